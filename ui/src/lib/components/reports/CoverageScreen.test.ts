import { screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { CoverageView } from '$lib/api';
import { fakeApi, fail, ok, provider } from '../../../test/fakeApi';
import { renderWithServices } from '../../../test/render';
import CoverageScreen from './CoverageScreen.svelte';

const reporter = { ...provider, permissions: [...provider.permissions, 'run_reports'] };

const view: CoverageView = {
  organizationName: 'Lone Star Pediatrics',
  bornFrom: '01/01/2023',
  bornTo: '12/31/2024',
  asOf: '12/07/2026',
  clients: 40,
  rows: [
    {
      birthYear: 2023,
      agePoint: 'months_24',
      measure: 'combined_4313314',
      numerator: 27,
      denominator: 36,
      tooYoung: 0,
      leftDenominator: 4,
      percent: 75,
    },
    {
      birthYear: 2023,
      agePoint: 'months_35',
      measure: 'mmr_1',
      numerator: 0,
      denominator: 0,
      tooYoung: 36,
      leftDenominator: 4,
      percent: null,
    },
  ],
  missedTotal: 1,
  missed: [
    {
      clientId: 'c-9',
      firstName: 'Ana',
      lastName: 'García',
      dateOfBirth: '03/14/2023',
      agePoint: 'months_24',
      measure: 'varicella_1',
      visits: ['03/20/2024'],
    },
  ],
};

describe('CoverageScreen', () => {
  it('runs the report on opening and shows each cohort as numerator, denominator and percent', async () => {
    const api = fakeApi({ coverageReport: () => ok(view) });
    renderWithServices(CoverageScreen, { api, user: reporter, route: { name: 'coverage' } });
    const row = await screen.findByTestId('coverage-row');
    expect(row).toHaveTextContent('Combined 7-vaccine series (4:3:1:3*:3:1:4)');
    expect(row).toHaveTextContent('27 / 36');
    expect(row).toHaveTextContent('75.0%');
    // A cohort nobody reached (35 months) shows no empty table.
    expect(screen.getAllByTestId('coverage-cohort')).toHaveLength(1);
    expect(within(screen.getByTestId('coverage-missed')).getByText('García, Ana')).toBeVisible();
    // The defaults the report used fill the form.
    expect(screen.getByTestId('coverage-born-from')).toHaveValue('01/01/2023');
    expect(api.coverageReport).toHaveBeenCalledWith({ bornFrom: '', bornTo: '', asOf: '' });
  });

  it('exports the report shown, whatever the form holds since, and says where', async () => {
    const api = fakeApi({
      coverageReport: () => ok(view),
      saveCoverageCsv: () => ok({ path: '/home/nurse/Coverage.csv', rows: 3 }),
    });
    renderWithServices(CoverageScreen, { api, user: reporter, route: { name: 'coverage' } });
    const user = userEvent.setup();
    await screen.findByTestId('coverage-row');
    const to = screen.getByTestId('coverage-born-to');
    await user.clear(to);
    await user.type(to, '01/01/2020');
    await user.click(screen.getByTestId('coverage-csv'));
    expect(await screen.findByTestId('coverage-notice')).toHaveTextContent(
      'Saved /home/nurse/Coverage.csv.',
    );
    expect(api.saveCoverageCsv).toHaveBeenCalledWith({
      bornFrom: '01/01/2023',
      bornTo: '12/31/2024',
      asOf: '12/07/2026',
    });
  });

  it('shows a refused field under it and keeps what was typed', async () => {
    const api = fakeApi({
      coverageReport: () =>
        fail({
          code: 'validation',
          issues: [{ field: 'bornTo', message: 'The last date of birth comes before the first.' }],
        }),
    });
    renderWithServices(CoverageScreen, { api, user: reporter, route: { name: 'coverage' } });
    const user = userEvent.setup();
    const to = screen.getByTestId('coverage-born-to');
    await user.clear(to);
    await user.type(to, '01/01/2020');
    await user.click(screen.getByTestId('coverage-run'));
    expect(
      await screen.findAllByText('The last date of birth comes before the first.'),
    ).not.toHaveLength(0);
    expect(to).toHaveValue('01/01/2020');
  });
});
