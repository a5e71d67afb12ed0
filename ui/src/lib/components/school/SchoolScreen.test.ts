import { screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { SchoolReport, SignedInUser, StudentList } from '$lib/api';
import { fakeApi, fail, ok, provider } from '../../../test/fakeApi';
import { renderWithServices } from '../../../test/render';
import SchoolScreen from './SchoolScreen.svelte';

const school: SignedInUser = {
  ...provider,
  username: 'tx.school',
  organizationCode: 'TXSCH1',
  organizationName: 'Bluebonnet Elementary',
  role: 'view_only_non_provider',
  roleTitle: 'View Only Non-Providers',
  permissions: ['search_clients', 'view_client', 'print_record', 'school_reports'],
};

const list: StudentList = {
  id: 'list-1',
  name: 'Grade 2 — Room 14',
  setting: 'school',
  students: 2,
  createdOn: '11/22/2026',
};

const report: SchoolReport = {
  list,
  asOf: '12/07/2026',
  state: 'TX',
  schoolYear: '2026-2027',
  rulesOf: '2025-2026',
  students: [
    {
      clientId: 'c-1',
      firstName: 'Sofia',
      lastName: 'Treviño',
      dateOfBirth: '09/04/2018',
      grade: '2',
      exemption: null,
      provisional: null,
      status: 'complete',
      until: null,
      missing: [],
      reason: null,
    },
    {
      clientId: 'c-2',
      firstName: 'Mateo',
      lastName: 'López',
      dateOfBirth: '01/02/2019',
      grade: '2',
      exemption: null,
      provisional: null,
      status: 'incomplete',
      until: null,
      missing: [{ vaccine: 'dtap', doseNumber: 4, earliest: '12/07/2026' }],
      reason: null,
    },
  ],
  counts: [
    { status: 'complete', count: 1 },
    { status: 'incomplete', count: 1 },
  ],
};

describe('SchoolScreen', () => {
  it('opens the first list with its statuses, missing doses and the rules-year warning', async () => {
    const api = fakeApi({ studentLists: () => ok([list]), schoolReport: () => ok(report) });
    renderWithServices(SchoolScreen, { api, user: school, route: { name: 'school' } });
    const table = await screen.findByTestId('school-report');
    const rows = within(table).getAllByTestId('school-student');
    expect(rows.map((r) => r.dataset.status)).toEqual(['complete', 'incomplete']);
    expect(within(rows[1]!).getByTestId('school-missing')).toHaveTextContent(
      'DTaP/DT/Td dose 4 — from 12/07/2026',
    );
    expect(screen.getByTestId('school-rules-of')).toHaveTextContent(
      'does not hold the TX requirements for 2026-2027 yet, so this report applies the 2025-2026 rules',
    );
    expect(screen.getByTestId('school-counts')).toHaveTextContent('Complete: 1');
    expect(api.schoolReport).toHaveBeenCalledWith({ listId: 'list-1', asOf: '' });
  });

  it('keeps what was typed in the exemption form when Rust refuses a field', async () => {
    const api = fakeApi({
      studentLists: () => ok([list]),
      schoolReport: () => ok(report),
      putStudent: () =>
        fail({
          code: 'validation',
          issues: [{ field: 'exemption.signedOn', message: 'Enter the date as MM/DD/YYYY.' }],
        }),
    });
    renderWithServices(SchoolScreen, { api, user: school, route: { name: 'school' } });
    const table = await screen.findByTestId('school-report');
    const user = userEvent.setup();
    await user.click(within(table).getAllByTestId('school-edit')[1]!);
    await user.selectOptions(screen.getByTestId('school-edit-exemption'), 'conscience');
    await user.type(screen.getByTestId('school-edit-signed'), '10/41/2026');
    await user.click(screen.getByTestId('school-edit-save'));
    expect(await screen.findByText('Enter the date as MM/DD/YYYY.')).toBeInTheDocument();
    expect(screen.getByTestId('school-edit-signed')).toHaveValue('10/41/2026');
    expect(api.putStudent).toHaveBeenCalledWith(
      expect.objectContaining({
        listId: 'list-1',
        clientId: 'c-2',
        grade: '2',
        exemptionKind: 'conscience',
        exemptionSignedOn: '10/41/2026',
      }),
    );
  });

  it('shows the roster lines that need the user, by line and column', async () => {
    const api = fakeApi({
      studentLists: () => ok([list]),
      schoolReport: () => ok(report),
      importRoster: () =>
        ok({
          lines: [
            {
              line: 2,
              lastName: 'Nobody',
              firstName: 'Here',
              dateOfBirth: '01/01/2018',
              grade: '2',
              outcome: 'not_found',
              clientId: null,
              candidates: [],
              refusal: null,
            },
          ],
          unreadable: [
            { line: 3, field: 'dateOfBirth', message: '02/30/2018 is not a real calendar date.' },
          ],
          added: 0,
          toReview: 2,
        }),
    });
    renderWithServices(SchoolScreen, { api, user: school, route: { name: 'school' } });
    await screen.findByTestId('school-report');
    const user = userEvent.setup();
    await user.click(screen.getByTestId('school-roster-open'));
    await user.type(screen.getByTestId('school-roster-text'), 'Nobody,Here,01/01/2018,2');
    await user.click(screen.getByTestId('school-roster-import'));
    expect(await screen.findByTestId('school-roster-summary')).toHaveTextContent(
      '0 student(s) added to the list. 2 line(s) need you',
    );
    expect(screen.getByTestId('school-roster-unreadable')).toHaveTextContent(
      '3Date of birth02/30/2018 is not a real calendar date.',
    );
    expect(screen.getByTestId('school-roster-line')).toHaveTextContent('Not found in your reach.');
  });
});
