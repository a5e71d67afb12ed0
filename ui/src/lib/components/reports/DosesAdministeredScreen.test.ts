import { screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { DosesAdministeredView } from '$lib/api';
import { fakeApi, fail, ok, provider } from '../../../test/fakeApi';
import { renderWithServices } from '../../../test/render';
import DosesAdministeredScreen from './DosesAdministeredScreen.svelte';

const reporter = { ...provider, permissions: [...provider.permissions, 'run_reports'] };

const line = (code: string | null, name: string | null, byAge: number[]) => ({
  code,
  name,
  byAge,
  total: byAge.reduce((a, b) => a + b, 0),
});

const view: DosesAdministeredView = {
  organizationName: 'Lone Star Pediatrics',
  from: '11/01/2026',
  to: '11/30/2026',
  ageBands: ['under_1', '1_6', '7_18', '19_plus'],
  byVaccine: [line('20', 'DTaP', [2, 1, 0, 0]), line('03', 'MMR', [0, 1, 0, 0])],
  byEligibility: [line('V02', null, [2, 1, 0, 0]), line(null, null, [0, 1, 0, 0])],
  byFunding: [line('VXC51', null, [2, 2, 0, 0])],
  total: line(null, null, [2, 2, 0, 0]),
};

describe('DosesAdministeredScreen', () => {
  it('runs the report on opening and shows each vaccine, eligibility and funding by age band', async () => {
    const api = fakeApi({ dosesAdministeredReport: () => ok(view) });
    renderWithServices(DosesAdministeredScreen, {
      api,
      user: reporter,
      route: { name: 'dosesAdministered' },
    });
    expect(await screen.findByTestId('doses-summary')).toHaveTextContent(
      'Lone Star Pediatrics: 4 dose(s) given 11/01/2026 to 11/30/2026.',
    );
    const vaccines = within(screen.getByTestId('doses-vaccine')).getAllByTestId('doses-line');
    expect(vaccines[0]).toHaveTextContent('DTaP (CVX 20)');
    expect(vaccines[0]).toHaveTextContent(/2\s*1\s*0\s*0\s*3/);
    const eligibility = within(screen.getByTestId('doses-eligibility')).getAllByTestId(
      'doses-line',
    );
    expect(eligibility[0]).toHaveTextContent('V02 Medicaid / CHIP Medicaid');
    expect(eligibility[1]).toHaveTextContent('Not recorded');
    expect(screen.getByTestId('doses-funding')).toHaveTextContent('Public VFC (VXC51)');
    expect(api.dosesAdministeredReport).toHaveBeenCalledWith({ from: '', to: '' });
    expect(screen.getByTestId('doses-from')).toHaveValue('11/01/2026');
  });

  it('shows a refused day under its field and keeps what was typed', async () => {
    const api = fakeApi({
      dosesAdministeredReport: () =>
        fail({
          code: 'validation',
          issues: [{ field: 'to', message: 'Choose a day up to today.' }],
        }),
    });
    renderWithServices(DosesAdministeredScreen, {
      api,
      user: reporter,
      route: { name: 'dosesAdministered' },
    });
    const user = userEvent.setup();
    const to = screen.getByTestId('doses-to');
    await user.clear(to);
    await user.type(to, '01/01/2030');
    await user.click(screen.getByTestId('doses-run'));
    expect(await screen.findAllByText('Choose a day up to today.')).not.toHaveLength(0);
    expect(to).toHaveValue('01/01/2030');
  });
});
