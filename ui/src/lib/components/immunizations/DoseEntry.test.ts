import { screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { DoseEntryOptions, VaccineLot } from '$lib/api';
import { clientRecord, dose, fail, fakeApi, ok, provider } from '../../../test/fakeApi';
import { renderWithServices } from '../../../test/render';
import ClientRecordScreen from '../clients/ClientRecordScreen.svelte';
import LotInventoryScreen from './LotInventoryScreen.svelte';

function lot(overrides: Partial<VaccineLot> = {}): VaccineLot {
  return {
    id: 'lot-1',
    cvx: '03',
    vaccine: 'MMR',
    mvx: 'MSD',
    manufacturer: 'Merck and Co., Inc.',
    tradeName: 'M-M-R II',
    ndc: '00006-4681-01',
    lotNumber: 'Y015329',
    expirationDate: '01/16/2028',
    expiryStatus: 'good',
    daysToExpiry: 420,
    fundingSource: 'vfc',
    quantityOnHand: 20,
    received: 20,
    administered: 0,
    restored: 0,
    adjusted: 0,
    balanced: true,
    ...overrides,
  };
}

const options: DoseEntryOptions = {
  lots: [lot()],
  routes: [{ code: 'IM' }, { code: 'SC' }],
  sites: [{ code: 'LT' }, { code: 'LD' }],
  vfcEligibility: [{ code: 'V01' }],
  vis: [],
  clinician: 'Dana Provider',
};

const withEdit = { ...provider, permissions: [...provider.permissions, 'edit_immunizations'] };

function renderRecord(api = fakeApi()) {
  const record = clientRecord([dose({ canChange: true })]);
  api.getClient.mockImplementation(() => ok(record));
  api.doseEntryOptions.mockImplementation(() => ok(options));
  return renderWithServices(ClientRecordScreen, {
    api,
    user: withEdit,
    route: { name: 'clientRecord', clientId: 'c-1' },
    props: { clientId: 'c-1' },
  });
}

describe('dose entry on the client record', () => {
  it('gives a dose from a chosen lot and reloads the record', async () => {
    const user = userEvent.setup();
    const { api } = renderRecord();
    await user.click(await screen.findByTestId('add-administered-dose'));
    const lotSelect = await screen.findByTestId('dose-lot');
    await screen.findByRole('option', { name: /M-M-R II — lot Y015329/ });
    await user.selectOptions(lotSelect, 'lot-1');
    expect(screen.getByTestId('dose-cvx')).toHaveValue('03');
    await user.click(screen.getByTestId('dose-save'));
    expect(await screen.findByTestId('dose-notice')).toHaveTextContent('Dose saved.');
    expect(api.recordAdministeredDose).toHaveBeenCalledWith(
      expect.objectContaining({
        clientId: 'c-1',
        lotId: 'lot-1',
        cvx: '03',
        confirmWarnings: false,
      }),
    );
    // The record (and with it the forecast) is fetched again.
    expect(api.getClient).toHaveBeenCalledTimes(2);
    expect(api.getForecast).toHaveBeenCalledTimes(2);
  });

  it('shows warnings next to their field and saves only when confirmed', async () => {
    const user = userEvent.setup();
    const api = fakeApi();
    api.recordAdministeredDose.mockImplementation((request) =>
      ok(
        request.confirmWarnings
          ? { saved: true, warnings: [], immunizationIds: ['d-2'] }
          : {
              saved: false,
              warnings: [
                {
                  field: 'administeredOn',
                  kind: 'possible_duplicate',
                  message: 'The client already has a MMR dose on 11/20/2026; is this a duplicate?',
                },
              ],
              immunizationIds: [],
            },
      ),
    );
    renderRecord(api);
    await user.click(await screen.findByTestId('add-administered-dose'));
    await user.click(await screen.findByTestId('dose-save'));
    const warnings = await screen.findByTestId('dose-warnings');
    expect(warnings).toHaveTextContent('is this a duplicate?');
    expect(screen.getAllByTestId(/^field-warning-/)[0]).toHaveTextContent('MMR dose on 11/20/2026');
    expect(screen.queryByTestId('dose-notice')).not.toBeInTheDocument();
    await user.click(within(warnings).getByTestId('dose-save-anyway'));
    expect(await screen.findByTestId('dose-notice')).toHaveTextContent('Dose saved.');
    expect(api.recordAdministeredDose).toHaveBeenLastCalledWith(
      expect.objectContaining({ confirmWarnings: true }),
    );
  });

  it('marks the shot-card row Rust refused and keeps what was typed', async () => {
    const user = userEvent.setup();
    const api = fakeApi();
    api.listVaccines.mockImplementation(() =>
      ok([
        {
          cvx: '03',
          shortDescription: 'MMR',
          fullName: 'measles, mumps and rubella virus vaccine',
          notes: null,
          status: 'Active',
          lastUpdated: null,
        },
      ]),
    );
    api.recordHistoricalDoses.mockImplementation(() =>
      fail({
        code: 'validation',
        issues: [
          {
            field: 'doses[1].administeredOn',
            message: 'The date given, 01/01/2018, is before the client was born.',
          },
        ],
      }),
    );
    renderRecord(api);
    await user.click(await screen.findByTestId('add-historical-doses'));
    await screen.findAllByRole('option', { name: '03 — MMR' });
    const cvx = screen.getAllByTestId('historical-cvx');
    const dates = screen.getAllByTestId('historical-date');
    await user.selectOptions(cvx[0]!, '03');
    await user.type(dates[0]!, '05/01/2020');
    await user.selectOptions(cvx[1]!, '03');
    await user.type(dates[1]!, '01/01/2018');
    await user.click(screen.getByTestId('historical-save'));
    const rows = await screen.findAllByTestId('historical-row');
    expect(await within(rows[1]!).findByText(/before the client was born/)).toBeInTheDocument();
    expect(within(rows[0]!).queryByText(/before the client was born/)).not.toBeInTheDocument();
    // The blank third line was not sent, and the typed rows are kept.
    expect(rows).toHaveLength(2);
    expect(screen.getAllByTestId('historical-date')[1]).toHaveValue('01/01/2018');
    expect(api.recordHistoricalDoses).toHaveBeenCalledWith({
      clientId: 'c-1',
      doses: [
        { cvx: '03', administeredOn: '05/01/2020', provider: '' },
        { cvx: '03', administeredOn: '01/01/2018', provider: '' },
      ],
      confirmWarnings: false,
    });
  });

  it('voids a dose with the reason typed', async () => {
    const user = userEvent.setup();
    const { api } = renderRecord();
    // The dose counts for three groups, so it is listed (with its actions) three times.
    await user.click((await screen.findAllByTestId('dose-void'))[0]!);
    await user.type(await screen.findByTestId('void-reason-input'), 'wrong client');
    await user.click(screen.getByTestId('void-submit'));
    expect(await screen.findByTestId('dose-notice')).toHaveTextContent('Dose voided.');
    expect(api.voidImmunization).toHaveBeenCalledWith({
      immunizationId: 'd-1',
      reason: 'wrong client',
    });
  });

  it('offers no edit or void for a dose of another organization, and no entry without permission', async () => {
    const api = fakeApi();
    api.getClient.mockImplementation(() => ok(clientRecord([dose({ canChange: false })])));
    renderWithServices(ClientRecordScreen, {
      api,
      user: { ...provider, permissions: ['search_clients', 'view_client'] },
      route: { name: 'clientRecord', clientId: 'c-1' },
      props: { clientId: 'c-1' },
    });
    await screen.findByTestId('immunization-table');
    expect(screen.queryByTestId('dose-void')).not.toBeInTheDocument();
    expect(screen.queryByTestId('add-administered-dose')).not.toBeInTheDocument();
  });
});

describe('LotInventoryScreen', () => {
  it('flags lots expiring within 30 days and shows the reconciliation', async () => {
    const api = fakeApi();
    api.listLots.mockImplementation(() =>
      ok({
        lots: [
          lot({
            id: 'flu',
            cvx: '140',
            tradeName: 'FLUZONE',
            lotNumber: 'UT8512AA',
            expiryStatus: 'expiring_soon',
            daysToExpiry: 21,
          }),
          lot({ quantityOnHand: 18, administered: 3, restored: 1, balanced: true }),
          lot({ id: 'off', lotNumber: 'OFF1', quantityOnHand: 5, received: 7, balanced: false }),
        ],
        alertDays: 30,
        asOf: '11/22/2026',
      }),
    );
    renderWithServices(LotInventoryScreen, {
      api,
      user: { ...provider, permissions: ['manage_lots'] },
      route: { name: 'lotInventory' },
    });
    expect(await screen.findByTestId('lots-alert-expiring')).toHaveTextContent('UT8512AA');
    const rows = screen.getAllByTestId('lot-row');
    expect(rows).toHaveLength(3);
    expect(within(rows[0]!).getByText('Expires in 21 days')).toBeInTheDocument();
    expect(within(rows[2]!).getByText('Off by 2')).toBeInTheDocument();
  });
});
