import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ClientForecast, ForecastStep, VaccineGroupForecast } from '$lib/api';
import { i18n } from '$lib/i18n';
import {
  clientForecast,
  clientRecord,
  fakeApi,
  groupForecast,
  ok,
  provider,
  recommendedVaccine,
  visitGroup,
  visitSummary,
} from '../../../test/fakeApi';
import { renderWithServices } from '../../../test/render';
import ClientRecordScreen from './ClientRecordScreen.svelte';
import { intervalText, traceText } from './forecastTrace';

const INFANT_SUMMARY = visitSummary({
  dueToday: [
    visitGroup({ vaccineGroup: 'DTaP/Tdap/Td', label: 'DTaP', urgency: 'overdue' }),
    visitGroup({ vaccineGroup: 'Polio', label: 'IPV', urgency: 'overdue' }),
    visitGroup({ vaccineGroup: 'MMR', label: 'MMR' }),
    visitGroup({ vaccineGroup: 'Varicella', label: 'VAR' }),
  ],
  nextVisitOnOrAfter: '03/01/2027',
  nextVisitGroups: [visitGroup({ vaccineGroup: 'HepA', label: 'HepA', urgency: 'due' })],
});

const PEDIARIX = recommendedVaccine({
  cvx: '110',
  shortDescription: 'DTaP-Hep B-IPV',
  vaccineType: 'DTaP-HepB-IPV',
  tradeNames: [{ name: 'Pediarix', mvx: 'SKB' }],
  alsoCovers: ['HepB', 'Polio'],
});

function renderForecast(groups: VaccineGroupForecast[], summary = INFANT_SUMMARY) {
  const record = clientRecord();
  const api = fakeApi({
    getClient: () => ok(record),
    getForecast: () => ok<ClientForecast>(clientForecast(groups, [], summary)),
  });
  return renderWithServices(ClientRecordScreen, {
    api,
    user: provider,
    route: { name: 'clientRecord', clientId: record.client.id },
    props: { clientId: record.client.id },
  });
}

const step = (s: Partial<ForecastStep> & Pick<ForecastStep, 'code'>): ForecastStep =>
  ({ rule: 'X', antigen: null, ...s }) as ForecastStep;

describe('Visit summary', () => {
  it('says what is due today and when to come back, before the table', async () => {
    renderForecast([groupForecast()]);
    const summary = await screen.findByTestId('forecast-summary');
    expect(summary).toHaveTextContent(
      'Due today: DTaP, IPV, MMR, VAR · Next visit on or after 03/01/2027',
    );
    expect(within(summary).getByTestId('forecast-summary-next-groups')).toHaveTextContent(
      '(for HepA)',
    );
    // Overdue groups say so in words too.
    expect(within(summary).getByText('DTaP')).toHaveClass('overdue');
    expect(within(summary).getByText('MMR')).not.toHaveClass('overdue');
    expect(summary).toHaveTextContent('Overdue: DTaP, IPV.');
    const table = screen.getByTestId('forecast-table');
    expect(summary.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  it('speaks Spanish', async () => {
    renderForecast([groupForecast()]);
    await screen.findByTestId('forecast-summary');
    i18n.set('es');
    try {
      await waitFor(() =>
        expect(screen.getByTestId('forecast-summary')).toHaveTextContent(
          'Para hoy: DTaP, IPV, MMR, VAR · Próxima visita a partir del 03/01/2027',
        ),
      );
    } finally {
      i18n.set('en');
    }
  });

  it('says when nothing is due today and when no further dose is forecast', async () => {
    renderForecast(
      [groupForecast({ urgency: 'complete', status: 'Complete' })],
      visitSummary({
        dueToday: [],
        mayGiveToday: false,
        nextVisitOnOrAfter: null,
        nextVisitGroups: [],
      }),
    );
    expect(await screen.findByTestId('forecast-summary')).toHaveTextContent(
      'Nothing due today · No further dose is forecast',
    );
  });

  it('sets a shared clinical decision apart from the routine doses', async () => {
    renderForecast(
      [groupForecast()],
      visitSummary({
        dueToday: [
          visitGroup({ label: 'DTaP' }),
          visitGroup({ vaccineGroup: 'COVID-19', label: 'COVID-19', sharedDecision: true }),
        ],
      }),
    );
    const summary = await screen.findByTestId('forecast-summary');
    expect(summary).toHaveTextContent('Due today: DTaP · Discuss (shared decision): COVID-19 ·');
    const covid = within(summary).getByText('COVID-19');
    expect(covid).toHaveClass('shared');
    expect(covid).toHaveAttribute('title', 'Shared decision: discuss with the patient');
    expect(within(summary).getByText('DTaP')).not.toHaveClass('shared');
  });

  it('names what may be given today when nothing is due yet', async () => {
    renderForecast(
      [groupForecast()],
      visitSummary({
        dueToday: [],
        allowedToday: [visitGroup({ vaccineGroup: 'Influenza', label: 'IIV', urgency: 'allowed' })],
      }),
    );
    expect(await screen.findByTestId('forecast-summary-today')).toHaveTextContent(
      'May be given today: IIV',
    );
  });
});

describe('Recommended vaccines on a row', () => {
  it('lists each vaccine with its CVX and trade names; a combination says what else it covers', async () => {
    renderForecast([
      groupForecast({
        vaccines: [recommendedVaccine({ cvx: '20', shortDescription: 'DTaP' }), PEDIARIX],
      }),
    ]);
    const row = (await screen.findAllByTestId('forecast-row'))[0]!;
    const vaccines = within(row).getAllByTestId('forecast-vaccine');
    expect(vaccines.map((v) => v.dataset.cvx)).toEqual(['20', '110']);
    expect(within(vaccines[0]!).getByText('20')).toHaveClass('cvx');
    expect(within(vaccines[0]!).queryByTestId('forecast-also-covers')).not.toBeInTheDocument();
    expect(vaccines[1]).toHaveClass('combination');
    expect(vaccines[1]).toHaveTextContent('110');
    expect(vaccines[1]).toHaveTextContent('DTaP-Hep B-IPV');
    expect(vaccines[1]).toHaveTextContent('Pediarix (SKB)');
    expect(within(vaccines[1]!).getByTestId('forecast-also-covers')).toHaveTextContent(
      'Combination: also covers HepB, Polio',
    );
    i18n.set('es');
    try {
      await waitFor(() =>
        expect(within(vaccines[1]!).getByTestId('forecast-also-covers')).toHaveTextContent(
          'Combinada: también cubre HepB, Polio',
        ),
      );
    } finally {
      i18n.set('en');
    }
  });
});

describe('"Why?" in the user\'s language', () => {
  const TRACE: ForecastStep[] = [
    step({
      rule: 'SINGLEANTVG-1',
      code: 'GroupStatus',
      params: { vaccineGroup: 'MMR', status: 'Not Complete' },
    }),
    step({
      rule: '§6',
      antigen: 'Measles',
      code: 'DoseEvaluated',
      params: { cvx: '94', date: '03/20/2020', targetDose: 1, series: 'Measles 2-dose series' },
    }),
    step({
      rule: 'CALCDTINT-4',
      antigen: 'Measles',
      code: 'EarliestFromMinimumInterval',
      params: {
        date: '04/17/2020',
        interval: { years: 0, months: 0, days: 28 },
        referenceDate: '03/20/2020',
      },
    }),
    step({ rule: 'Table 7-10', antigen: 'Measles', code: 'PastSeasonalEndDate' }),
  ];

  it('renders the typed steps as Spanish sentences with MM/DD/YYYY dates and keeps the rule ids', async () => {
    const user = userEvent.setup();
    renderForecast([groupForecast({ vaccineGroup: 'MMR', trace: TRACE })]);
    const row = (await screen.findAllByTestId('forecast-row'))[0]!;
    i18n.set('es');
    try {
      await user.click(within(row).getByTestId('forecast-why'));
      const trace = screen.getByTestId('forecast-trace');
      const steps = within(trace).getAllByTestId('forecast-step');
      expect(steps.map((s) => s.dataset.code)).toEqual([
        'GroupStatus',
        'DoseEvaluated',
        'EarliestFromMinimumInterval',
        'PastSeasonalEndDate',
      ]);
      expect(steps[0]).toHaveTextContent('MMR: Incompleta.');
      expect(steps[1]).toHaveTextContent(
        'La dosis de CVX 94 aplicada el 03/20/2020 se evaluó como la dosis 1 de Measles 2-dose series.',
      );
      expect(steps[2]).toHaveTextContent(
        'Intervalo mínimo de 4 semanas después del 03/20/2020: 04/17/2020.',
      );
      expect(steps[3]).toHaveTextContent('La recomendación de temporada ya terminó.');
      expect(within(steps[1]!).getByText('§6')).toHaveClass('rule');
      expect(within(trace).getByText('Grupo de vacunas')).toBeInTheDocument();
      expect(within(trace).getByText('Antígeno: Sarampión')).toBeInTheDocument();
    } finally {
      i18n.set('en');
    }
  });

  it('writes intervals in words', () => {
    expect(intervalText({ years: 0, months: 6, days: -4 })).toBe('6 months minus 4 days');
    expect(intervalText({ years: 1, months: 0, days: 0 })).toBe('1 year');
    expect(intervalText({ years: 0, months: 0, days: 0 })).toBe('0 days');
    expect(
      traceText(
        step({
          code: 'TargetDoseSkipped',
          params: { targetDose: 4, when: 'forecast', at: '11/22/2026', sets: ['Dose 4 at 4y'] },
        }),
      ),
    ).toBe('Dose 4 is skipped as of 11/22/2026: Dose 4 at 4y.');
  });
});
