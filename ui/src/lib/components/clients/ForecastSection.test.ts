import { cleanup, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ClientForecast, ClientRecord } from '$lib/api';
import { i18n } from '$lib/i18n';
import {
  clientForecast,
  clientRecord,
  dose,
  doseAssessment,
  fail,
  fakeApi,
  groupForecast,
  ok,
  provider,
  recommendedVaccine,
} from '../../../test/fakeApi';
import { renderWithServices } from '../../../test/render';
import ClientRecordScreen from './ClientRecordScreen.svelte';

const GROUPS = [
  groupForecast({ vaccineGroup: 'DTaP/Tdap/Td', urgency: 'overdue' }),
  groupForecast({
    vaccineGroup: 'Influenza',
    urgency: 'due',
    doseNumber: 1,
    pastDue: null,
    vaccines: [
      recommendedVaccine({
        cvx: '150',
        shortDescription: 'Influenza, injectable, quadrivalent',
        vaccineType: 'IIV4',
      }),
    ],
  }),
  groupForecast({ vaccineGroup: 'HPV', urgency: 'upcoming', earliest: '03/14/2028' }),
  groupForecast({
    vaccineGroup: 'MMR',
    status: 'Complete',
    urgency: 'complete',
    doseNumber: null,
    earliest: null,
    recommended: null,
    pastDue: null,
    vaccines: [],
  }),
  groupForecast({
    vaccineGroup: 'Cholera',
    status: 'Not Recommended',
    urgency: 'not_recommended',
    doseNumber: null,
    reasons: ['Not recommended: travel vaccine'],
  }),
  groupForecast({
    vaccineGroup: 'Typhoid',
    status: 'Not Recommended',
    urgency: 'not_recommended',
    doseNumber: null,
  }),
];

function renderRecord(
  forecast: () => ReturnType<typeof ok<ClientForecast>> = () => ok(clientForecast(GROUPS)),
  record: ClientRecord = clientRecord(),
  user = provider,
) {
  const api = fakeApi({ getClient: () => ok(record), getForecast: forecast });
  return renderWithServices(ClientRecordScreen, {
    api,
    user,
    route: { name: 'clientRecord', clientId: record.client.id },
    props: { clientId: record.client.id },
  });
}

const rows = () => screen.getAllByTestId('forecast-row');

describe('Vaccines recommended', () => {
  it('starts recording a dose of a recommended vaccine with its CVX filled in', async () => {
    const user = userEvent.setup();
    renderRecord();
    await screen.findAllByTestId('forecast-row');
    const flu = rows().find((r) => r.dataset.group === 'Influenza')!;
    const give = within(flu).getByRole('button', {
      name: 'Record a dose of Influenza, injectable, quadrivalent (CVX 150)',
    });
    await user.click(give);
    expect(await screen.findByTestId('dose-cvx')).toHaveValue('150');
  });

  it('offers no dose button to a user who may not add doses', async () => {
    renderRecord(undefined, undefined, {
      ...provider,
      permissions: provider.permissions.filter((p) => p !== 'add_immunizations'),
    });
    await screen.findAllByTestId('forecast-row');
    expect(screen.queryAllByTestId('forecast-give')).toEqual([]);
  });

  it('loads with the record and lists groups in the order given, with urgency badges', async () => {
    const { api } = renderRecord();
    const section = await screen.findByTestId('forecast-section');
    expect(api.getForecast).toHaveBeenCalledWith({ clientId: 'c-1' });
    expect(within(section).getByRole('heading', { name: 'Vaccines recommended' })).toBeVisible();
    await within(section).findAllByTestId('forecast-row');
    expect(rows().map((r) => [r.dataset.group, r.dataset.urgency])).toEqual([
      ['DTaP/Tdap/Td', 'overdue'],
      ['Influenza', 'due'],
      ['HPV', 'upcoming'],
      ['MMR', 'complete'],
    ]);
    const [dtap, flu, hpv, mmr] = rows();
    expect(within(dtap!).getByText('Overdue')).toHaveClass('badge', 'danger');
    expect(within(dtap!).getByText('Not complete')).toBeInTheDocument();
    expect(within(flu!).getByText('Due now')).toHaveClass('badge', 'warning');
    expect(within(hpv!).getByText('Upcoming')).toHaveClass('badge', 'info');
    expect(within(mmr!).getByText('Complete')).toHaveClass('badge', 'success');
    expect(dtap).toHaveTextContent('03/14/2023');
    expect(dtap).toHaveTextContent('03/14/2026');
    expect(within(dtap!).getByText('130')).toBeInTheDocument();
    expect(within(dtap!).getByText(/DTaP-IPV/)).toBeInTheDocument();
    expect(within(flu!).getByText(/Influenza, injectable, quadrivalent/)).toBeInTheDocument();
    expect(screen.getByTestId('forecast-assessed-on')).toHaveTextContent('04/01/2026');
    expect(screen.getByTestId('forecast-schedule')).toHaveTextContent(
      'ACIP (CDC CDSi supporting data 4.64)',
    );
    const select = screen.getByTestId('schedule-select');
    expect(select).toHaveAccessibleName('Tracking schedule');
    expect(
      within(select)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['ACIP (CDC)']);
  });

  it('collapses the not-recommended groups under a disclosure', async () => {
    const user = userEvent.setup();
    renderRecord();
    const toggle = await screen.findByTestId('forecast-not-recommended');
    expect(toggle).toHaveTextContent('Not recommended (2)');
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(rows().some((r) => r.dataset.urgency === 'not_recommended')).toBe(false);
    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const hidden = rows().filter((r) => r.dataset.urgency === 'not_recommended');
    expect(hidden.map((r) => r.dataset.group)).toEqual(['Cholera', 'Typhoid']);
    expect(hidden[0]).toBeVisible();
    expect(within(hidden[0]!).getByText('Not recommended')).toHaveClass('badge', 'neutral');
  });

  it('folds groups not due within a year under "Later", in English and Spanish', async () => {
    const user = userEvent.setup();
    const zoster = groupForecast({
      vaccineGroup: 'Zoster',
      urgency: 'later',
      earliest: '03/14/2069',
      recommended: '03/14/2069',
    });
    renderRecord(() => ok(clientForecast([...GROUPS, zoster])));
    const toggle = await screen.findByTestId('forecast-later');
    expect(toggle).toHaveTextContent('Later (1)');
    expect(rows().some((r) => r.dataset.group === 'Zoster')).toBe(false);
    await user.click(toggle);
    const later = rows().filter((r) => r.dataset.urgency === 'later');
    expect(later.map((r) => r.dataset.group)).toEqual(['Zoster']);
    expect(within(later[0]!).getByText('Later')).toHaveClass('badge', 'neutral');
    i18n.set('es');
    try {
      expect(await screen.findByTestId('forecast-later')).toHaveTextContent('Más adelante (1)');
    } finally {
      i18n.set('en');
    }
  });

  it('marks a shared clinical decision-making series, so it does not read as a routine dose', async () => {
    const covid = groupForecast({ vaccineGroup: 'COVID-19', urgency: 'due', sharedDecision: true });
    renderRecord(() => ok(clientForecast([covid, groupForecast({ vaccineGroup: 'MMR' })])));
    await screen.findAllByTestId('forecast-row');
    const marked = rows().filter((r) => r.dataset.sharedDecision === 'true');
    expect(marked.map((r) => r.dataset.group)).toEqual(['COVID-19']);
    // A dose that may be given now reads "Discuss", not "Due now".
    expect(within(marked[0]!).getByText('Discuss (shared decision)')).toHaveClass('badge');
    expect(within(marked[0]!).queryByText('Due now')).not.toBeInTheDocument();
    // Not yet due, it keeps its urgency and says it is a shared decision.
    cleanup();
    const later = groupForecast({
      vaccineGroup: 'Meningococcal B',
      urgency: 'upcoming',
      recommended: '06/01/2026',
      sharedDecision: true,
    });
    renderRecord(() => ok(clientForecast([later])));
    const menb = (await screen.findAllByTestId('forecast-row'))[0]!;
    expect(within(menb).getByText('Upcoming')).toHaveClass('badge');
    expect(within(menb).getByTestId('forecast-shared-decision')).toHaveTextContent(
      'Shared decision: discuss with the patient',
    );
  });

  it('"Why?" discloses the trace steps and reasons of that group', async () => {
    const user = userEvent.setup();
    renderRecord();
    await screen.findAllByTestId('forecast-row');
    expect(screen.queryByTestId('forecast-trace')).not.toBeInTheDocument();
    const why = within(rows()[0]!).getByTestId('forecast-why');
    expect(why).toHaveAccessibleName('Why? DTaP/Tdap/Td');
    expect(why).toHaveAttribute('aria-expanded', 'false');
    await user.click(why);
    expect(why).toHaveAttribute('aria-expanded', 'true');
    const trace = screen.getByTestId('forecast-trace');
    expect(document.getElementById(why.getAttribute('aria-controls')!)).toContainElement(trace);
    expect(trace).toHaveAccessibleName('How DTaP/Tdap/Td was assessed');
    const steps = within(trace).getAllByTestId('forecast-step');
    expect(steps[0]).toHaveTextContent('Best series for this client: DTaP childhood series.');
    expect(within(steps[0]!).getByText('§8.8')).toHaveClass('rule');
    expect(steps[1]).toHaveTextContent(
      'Dose 5 of DTaP childhood series: earliest 03/14/2023, recommended 03/14/2023, past due 03/14/2026.',
    );
    expect(within(steps[1]!).getByText('FORECASTDT-1')).toBeInTheDocument();
    expect(within(trace).getByText('Antigen: Pertussis')).toBeInTheDocument();
    await user.click(why);
    expect(screen.queryByTestId('forecast-trace')).not.toBeInTheDocument();

    await user.click(screen.getByTestId('forecast-not-recommended'));
    const cholera = rows().find((r) => r.dataset.group === 'Cholera')!;
    await user.click(within(cholera).getByTestId('forecast-why'));
    expect(screen.getByTestId('forecast-trace')).toHaveTextContent(
      'Not recommended: travel vaccine',
    );
  });

  it('a failed forecast shows an inline message and the record still renders; retry loads it', async () => {
    const user = userEvent.setup();
    let attempt = 0;
    const { api } = renderRecord(() =>
      ++attempt === 1
        ? fail<ClientForecast>({ code: 'internal', reference: 'ref-42' })
        : ok(clientForecast(GROUPS)),
    );
    const error = await screen.findByTestId('forecast-error');
    expect(error).toHaveTextContent('The recommendations could not be computed');
    expect(error).toHaveTextContent('ref-42');
    expect(screen.getByTestId('client-name')).toHaveTextContent('Sofia Ana Martinez');
    expect(screen.getByTestId('immunization-table')).toBeInTheDocument();
    expect(screen.queryByTestId('record-error')).not.toBeInTheDocument();
    await user.click(within(error).getByRole('button', { name: 'Try again' }));
    expect(await screen.findAllByTestId('forecast-row')).toHaveLength(4);
    expect(api.getForecast).toHaveBeenCalledTimes(2);
    expect(api.getClient).toHaveBeenCalledTimes(1);
  });

  it('marks a dose that is not valid for an antigen in the history; valid doses get a check', async () => {
    const record = clientRecord([
      dose({ id: 'early', vaccineGroups: 'DTAP', administeredOn: '03/20/2019' }),
      dose({ id: 'ok', vaccineGroups: 'DTAP', administeredOn: '05/15/2019' }),
    ]);
    renderRecord(
      () =>
        ok(
          clientForecast(GROUPS, [
            doseAssessment({ immunizationId: 'early', antigen: 'Diphtheria' }),
            doseAssessment({
              immunizationId: 'early',
              antigen: 'Pertussis',
              status: 'Not Valid',
              reason: 'Age: Too Young',
            }),
            doseAssessment({
              immunizationId: 'early',
              antigen: 'Tetanus',
              status: 'Not Valid',
              reason: 'Age: Too Young',
            }),
            doseAssessment({ immunizationId: 'ok', antigen: 'Pertussis' }),
          ]),
        ),
      record,
    );
    await screen.findAllByTestId('forecast-row');
    const [early, good] = screen.getAllByTestId('immunization-row');
    expect(early?.dataset.doseId).toBe('early');
    const marks = within(early!).getAllByTestId('dose-evaluation');
    expect(marks).toHaveLength(1);
    expect(marks[0]).toHaveTextContent('Not valid: Age: Too Young');
    expect(marks[0]).toHaveTextContent('(Pertussis, Tetanus)');
    expect(marks[0]).toHaveAttribute('data-evaluation', 'Not Valid');
    const check = within(good!).getByTestId('dose-evaluation');
    expect(check).toHaveAttribute('data-evaluation', 'valid');
    expect(check).toHaveTextContent('Valid for Pertussis');
  });

  it('shows a vaccine group twice when the engine forecasts two of its series', async () => {
    const user = userEvent.setup();
    const pcv = groupForecast({
      vaccineGroup: 'Pneumococcal',
      vaccines: [
        recommendedVaccine({ cvx: '133', shortDescription: 'PCV13' }),
        recommendedVaccine({ cvx: '133', shortDescription: 'PCV13' }),
      ],
    });
    renderRecord(() =>
      ok(
        clientForecast([
          pcv,
          { ...pcv, urgency: 'complete', status: 'Complete' },
          groupForecast({ vaccineGroup: 'RSV', urgency: 'not_recommended' }),
          groupForecast({ vaccineGroup: 'RSV', urgency: 'not_recommended' }),
        ]),
      ),
    );
    await screen.findAllByTestId('forecast-row');
    expect(rows().map((r) => r.dataset.urgency)).toEqual(['overdue', 'complete']);
    await user.click(within(rows()[1]!).getByTestId('forecast-why'));
    expect(screen.getAllByTestId('forecast-trace')).toHaveLength(1);
    expect(within(rows()[0]!).getByTestId('forecast-why')).toHaveAttribute(
      'aria-expanded',
      'false',
    );
    await user.click(screen.getByTestId('forecast-not-recommended'));
    expect(rows()).toHaveLength(4);
  });

  it('speaks Spanish', async () => {
    renderRecord();
    await screen.findAllByTestId('forecast-row');
    i18n.set('es');
    try {
      expect(
        await screen.findByRole('heading', { name: 'Vacunas recomendadas' }),
      ).toBeInTheDocument();
      expect(within(rows()[0]!).getByText('Atrasada')).toHaveClass('badge');
      expect(screen.getByTestId('forecast-not-recommended')).toHaveTextContent(
        'No recomendadas (2)',
      );
      expect(screen.getByTestId('schedule-select')).toHaveAccessibleName(
        'Calendario de seguimiento',
      );
    } finally {
      i18n.set('en');
    }
  });
});
