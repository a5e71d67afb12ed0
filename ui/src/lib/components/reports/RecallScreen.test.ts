import { screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { RecallPreview } from '$lib/api';
import { fakeApi, fail, ok, provider } from '../../../test/fakeApi';
import { renderWithServices } from '../../../test/render';
import RecallScreen from './RecallScreen.svelte';

const reporter = { ...provider, permissions: [...provider.permissions, 'run_reports'] };

const preview: RecallPreview = {
  organizationName: 'Lone Star Pediatrics',
  bornFrom: '01/08/2024',
  bornTo: '05/07/2025',
  asOf: '12/07/2026',
  candidates: 5,
  outsideCounty: 0,
  notDue: 1,
  excluded: [
    { code: 'inactive_moved', count: 1 },
    { code: 'no_viable_address', count: 1 },
  ],
  toNotify: 2,
  lines: [
    {
      clientId: 'c-1',
      firstName: 'Emma',
      lastName: 'Johnson',
      dateOfBirth: '03/15/2025',
      guardian: 'Ana Johnson',
      place: 'Houston, TX 77002',
      phone: '713-555-0142',
      language: 'en',
      vaccines: [{ group: 'MMR', overdue: true, since: '08/11/2026', doseNumber: 1, cvx: ['03'] }],
      lastNotice: null,
    },
    {
      clientId: 'c-2',
      firstName: 'Mateo',
      lastName: 'López',
      dateOfBirth: '03/15/2025',
      guardian: 'Ana López',
      place: 'Houston, TX 77002',
      phone: null,
      language: 'es',
      vaccines: [{ group: 'Polio', overdue: false, since: '12/01/2026', doseNumber: 3, cvx: [] }],
      lastNotice: '10/01/2026',
    },
  ],
};

describe('RecallScreen', () => {
  it('previews the cohort with the reasons clients were left out', async () => {
    const api = fakeApi({ reminderPreview: () => ok(preview) });
    renderWithServices(RecallScreen, { api, user: reporter, route: { name: 'recall' } });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('recall-preview'));
    expect(await screen.findByTestId('recall-count-notify')).toHaveTextContent('2 to notify');
    const excluded = screen.getAllByTestId('recall-excluded').map((e) => e.textContent?.trim());
    expect(excluded).toEqual(['1 moved or gone elsewhere', '1 no viable address']);
    const lines = within(screen.getByTestId('recall-lines')).getAllByTestId('recall-line');
    expect(lines[0]).toHaveTextContent('Johnson, Emma');
    expect(lines[0]).toHaveTextContent('MMR · overdue 08/11/2026');
    expect(lines[1]).toHaveTextContent('10/01/2026');
    // The age range 19–35 months is the default cohort, sent as typed.
    expect(api.reminderPreview).toHaveBeenCalledWith(
      expect.objectContaining({ ageFromMonths: '19', ageToMonths: '35', method: 'mail' }),
    );
  });

  it('creates the chosen notices and says what was stamped and written', async () => {
    const api = fakeApi({
      reminderPreview: () => ok(preview),
      createReminders: () =>
        ok({
          folder: '/home/nurse/Reminders',
          files: ['Reminders-TX0001-2026-12-07-letters.pdf', 'Reminders-TX0001-2026-12-07-csv.csv'],
          notices: 2,
          cancelled: false,
        }),
    });
    renderWithServices(RecallScreen, { api, user: reporter, route: { name: 'recall' } });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('recall-preview'));
    await user.click(await screen.findByTestId('recall-output-labels'));
    await user.click(screen.getByTestId('recall-output-csv'));
    await user.click(screen.getByTestId('recall-create'));
    expect(await screen.findByTestId('recall-done')).toHaveTextContent(
      '2 client(s) notified; their last notice is today. Files saved in /home/nurse/Reminders',
    );
    expect(api.createReminders).toHaveBeenCalledWith(
      expect.objectContaining({ outputs: ['letters', 'csv'] }),
    );
  });

  it('a phone cohort offers the phone list, and a refused field keeps what was typed', async () => {
    const api = fakeApi({
      reminderPreview: () =>
        fail({
          code: 'validation',
          issues: [
            { field: 'ageToMonths', message: 'The oldest age is younger than the youngest.' },
          ],
        }),
    });
    renderWithServices(RecallScreen, { api, user: reporter, route: { name: 'recall' } });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('recall-method-phone'));
    const to = screen.getByTestId('recall-age-to');
    await user.clear(to);
    await user.type(to, '12');
    await user.click(screen.getByTestId('recall-preview'));
    expect(await screen.findByText('The oldest age is younger than the youngest.')).toBeVisible();
    expect(to).toHaveValue('12');
    expect(api.reminderPreview).toHaveBeenCalledWith(
      expect.objectContaining({ method: 'phone', ageToMonths: '12' }),
    );
  });
});
