import { screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { clientRecord, dose, fakeApi, ok, provider, restrictedAccess } from '../../../test/fakeApi';
import { renderWithServices } from '../../../test/render';
import ClientRecordScreen from './ClientRecordScreen.svelte';

function renderRecord(record = clientRecord()) {
  const api = fakeApi({ getClient: () => ok(record) });
  return renderWithServices(ClientRecordScreen, {
    api,
    user: provider,
    route: { name: 'clientRecord', clientId: record.client.id },
    props: { clientId: record.client.id },
  });
}

function groupsOf(table: HTMLElement) {
  return within(table)
    .getAllByTestId('immunization-group')
    .map((g) => ({
      name: g.dataset.group,
      doses: within(g)
        .queryAllByTestId('immunization-row')
        .map((r) => r.dataset.doseId),
    }));
}

describe('ClientRecordScreen', () => {
  it('shows the demographics header', async () => {
    const { api } = renderRecord();
    expect(await screen.findByTestId('client-name')).toHaveTextContent('Sofia Ana Martinez');
    expect(api.getClient).toHaveBeenCalledWith({ clientId: 'c-1' });
    expect(screen.getByTestId('client-dob')).toHaveTextContent('03/14/2019');
    expect(screen.getByText('7 years')).toBeInTheDocument();
    expect(screen.getByText('Travis')).toBeInTheDocument();
    expect(screen.getByText('Maria Martinez (Mother)')).toBeInTheDocument();
    expect(screen.getByText('Lopez')).toBeInTheDocument();
    expect(screen.getByTestId('client-consent')).toHaveTextContent('Consent granted');
    expect(screen.getByTestId('client-name')).toHaveFocus();
  });

  it('highlights withdrawn consent', async () => {
    const record = clientRecord();
    record.client.consent = 'withdrawn';
    renderRecord(record);
    const badge = await screen.findByTestId('client-consent');
    expect(badge).toHaveTextContent('Consent withdrawn');
    expect(badge.closest('.badge')).toHaveClass('danger');
  });

  it('shows the consent notice instead of the history and forecast of a restricted record', async () => {
    const record = clientRecord([]);
    record.access = restrictedAccess;
    record.client.consent = 'withdrawn';
    const { api } = renderRecord(record);
    const notice = await screen.findByTestId('consent-restricted');
    expect(notice).toHaveTextContent('withdrew consent');
    expect(screen.queryByTestId('no-immunizations')).not.toBeInTheDocument();
    expect(screen.queryByText('Immunization record')).not.toBeInTheDocument();
    expect(within(notice).getByTestId('record-consent')).toBeInTheDocument();
    expect(api.getClient).toHaveBeenCalledTimes(1);
  });

  it('groups doses by vaccine group, listing a combination dose under each group', async () => {
    renderRecord(
      clientRecord([
        dose({ id: 'mmrv', cvx: '94', vaccine: 'MMRV', vaccineGroups: 'MMR, VARICELLA' }),
        dose({ id: 'dtap', cvx: '20', vaccine: 'DTaP', vaccineGroups: 'DTAP' }),
        dose({ id: 'var', cvx: '21', vaccine: 'varicella', vaccineGroups: 'VARICELLA' }),
      ]),
    );
    const table = await screen.findByTestId('immunization-table');
    expect(groupsOf(table)).toEqual([
      { name: 'DTAP', doses: ['dtap'] },
      { name: 'MMR', doses: ['mmrv'] },
      { name: 'VARICELLA', doses: ['mmrv', 'var'] },
    ]);
    expect(within(table).getAllByTestId('immunization-row')).toHaveLength(4);
    const headings = within(table).getAllByTestId('immunization-group-heading');
    expect(headings[0]).toHaveAttribute('scope', 'colgroup');
    expect(headings[0]).toHaveTextContent('DTAP');
  });

  it('marks a voided dose as entered in error, with its reason', async () => {
    renderRecord(
      clientRecord([
        dose({ id: 'good', vaccineGroups: 'HepB' }),
        dose({
          id: 'void',
          vaccineGroups: 'HepB',
          status: 'entered_in_error',
          voidReason: 'Recorded on the wrong client',
        }),
      ]),
    );
    const table = await screen.findByTestId('immunization-table');
    const rows = within(table).getAllByTestId('immunization-row');
    const voided = rows.find((r) => r.dataset.doseId === 'void')!;
    const good = rows.find((r) => r.dataset.doseId === 'good')!;
    expect(voided).toHaveClass('voided');
    expect(within(voided).getByTestId('void-reason')).toHaveTextContent(
      'Entered in error: Recorded on the wrong client',
    );
    expect(good).not.toHaveClass('voided');
    expect(within(good).queryByTestId('void-reason')).not.toBeInTheDocument();
  });

  it('shows the source as an Administered or Historical badge, with trade name and lot', async () => {
    renderRecord(
      clientRecord([
        dose({ id: 'adm', vaccineGroups: 'HepB', source: 'administered' }),
        dose({
          id: 'hist',
          vaccineGroups: 'HepB',
          source: 'historical',
          tradeName: null,
          lotNumber: null,
          administeredOn: '03/15/2019',
        }),
      ]),
    );
    const table = await screen.findByTestId('immunization-table');
    const [hist, adm] = within(table).getAllByTestId('immunization-row');
    expect(hist?.dataset.doseId).toBe('hist');
    expect(within(hist!).getByText('Historical')).toHaveClass('badge');
    expect(within(adm!).getByText('Administered')).toHaveClass('badge');
    expect(within(adm!).getByText('PEDIARIX')).toBeInTheDocument();
    expect(within(adm!).getByText('AB12C')).toBeInTheDocument();
    expect(within(adm!).getByText('LT / IM')).toBeInTheDocument();
    expect(within(hist!).getByText('03/15/2019')).toBeInTheDocument();
  });

  it('says when there are no immunizations', async () => {
    renderRecord(clientRecord([]));
    expect(await screen.findByTestId('no-immunizations')).toBeInTheDocument();
    expect(screen.queryByTestId('immunization-table')).not.toBeInTheDocument();
  });
});
