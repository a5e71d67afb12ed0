import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ClientForecast, VaccineGroupForecast } from '$lib/api';
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
import { foldGroups, isLater, type NotApplicableGroup } from './ForecastFold';

// clientForecast() assesses on 04/01/2026.
const TDAP_SOON = groupForecast({
  vaccineGroup: 'DTaP/Tdap/Td',
  urgency: 'upcoming',
  doseNumber: 6,
  earliest: '09/01/2026',
  recommended: '09/01/2026',
  pastDue: null,
});
const MENACWY_14_MONTHS = groupForecast({
  vaccineGroup: 'Meningococcal',
  urgency: 'later',
  doseNumber: 1,
  earliest: '06/01/2027',
  recommended: '06/01/2027',
  pastDue: null,
});
const ZOSTER = groupForecast({
  vaccineGroup: 'Zoster',
  urgency: 'later',
  doseNumber: 1,
  earliest: '03/14/2069',
  recommended: '03/14/2069',
  pastDue: null,
  eligibleFrom: '03/14/2069',
});
const HEPB_ADULT = groupForecast({
  vaccineGroup: 'HepB',
  urgency: 'due',
  doseNumber: 1,
  earliest: '04/01/2026',
  recommended: '04/01/2026',
  pastDue: null,
  vaccines: [
    recommendedVaccine({
      cvx: '189',
      shortDescription: 'HepB-CpG',
      vaccineType: 'HepB-CpG',
      tradeNames: [{ name: 'Heplisav-B', mvx: 'DVX' }],
    }),
    recommendedVaccine({
      cvx: '43',
      shortDescription: 'Hep B, adult',
      vaccineType: 'HepB, adult',
      tradeNames: [{ name: 'Engerix-B', mvx: 'SKB' }],
    }),
  ],
  reasons: [],
  basis: {
    kind: 'startable_now',
    series: ['HepB 19+ 3-dose series'],
    seriesType: 'standard',
    insteadOf: ['HepB 3-dose series'],
    otherSeries: [
      {
        series: ['HepB 3-dose series'],
        seriesType: 'standard',
        status: 'Not Complete',
        earliest: '05/01/1958',
        because: 'past_maximum_age_to_start',
      },
    ],
  },
});
const COVID = groupForecast({
  vaccineGroup: 'COVID-19',
  urgency: 'due',
  sharedDecision: true,
  vaccines: [recommendedVaccine({ cvx: '309', shortDescription: 'COVID-19 mRNA' })],
});
const ROTAVIRUS = groupForecast({
  vaccineGroup: 'Rotavirus',
  urgency: 'due',
  doseNumber: 3,
  pastDue: null,
  latest: '04/30/2026',
  vaccines: [
    recommendedVaccine({
      cvx: '116',
      shortDescription: 'rotavirus, pentavalent',
      tradeNames: [{ name: 'RotaTeq', mvx: 'MSD' }],
    }),
  ],
});
const PNEUMO_COMPLETE = groupForecast({
  vaccineGroup: 'Pneumococcal',
  status: 'Complete',
  urgency: 'complete',
  doseNumber: null,
  earliest: null,
  recommended: null,
  pastDue: null,
  vaccines: [],
  reasons: ['Patient series is complete'],
  basis: {
    kind: 'best_series',
    series: ['Pneumococcal 4-dose series'],
    seriesType: 'standard',
    insteadOf: [],
    otherSeries: [
      {
        series: ['Pneumococcal 50+ series'],
        seriesType: 'standard',
        status: 'Not Complete',
        earliest: '03/14/2069',
        because: 'starts_later',
      },
    ],
  },
});
const NOT_APPLICABLE: NotApplicableGroup[] = [
  { vaccineGroup: 'Cholera', reason: 'no_indication' },
  { vaccineGroup: 'Yellow Fever', reason: 'no_indication' },
  { vaccineGroup: 'HPV', reason: 'gender' },
];

function renderForecast(groups: VaccineGroupForecast[], extra: Partial<ClientForecast> = {}) {
  const record = clientRecord();
  const forecast: ClientForecast = { ...clientForecast(groups, []), ...extra };
  return renderWithServices(ClientRecordScreen, {
    api: fakeApi({ getClient: () => ok(record), getForecast: () => ok(forecast) }),
    user: provider,
    route: { name: 'clientRecord', clientId: record.client.id },
    props: { clientId: record.client.id },
  });
}

const rows = () => screen.getAllByTestId('forecast-row');
const row = (group: string) => rows().find((r) => r.dataset.group === group)!;

describe('The "Later" fold', () => {
  it('folds what is not due within the horizon, 12 months unless the user picks another', () => {
    const groups = [TDAP_SOON, MENACWY_14_MONTHS, ZOSTER, PNEUMO_COMPLETE];
    const names = (list: { group: VaccineGroupForecast }[]) =>
      list.map((e) => e.group.vaccineGroup);
    const twelve = foldGroups(groups, '04/01/2026', 12);
    expect(names(twelve.shown)).toEqual(['DTaP/Tdap/Td', 'Pneumococcal']);
    expect(names(twelve.later)).toEqual(['Meningococcal', 'Zoster']);
    const three = foldGroups(groups, '04/01/2026', 3);
    expect(names(three.later)).toEqual(['DTaP/Tdap/Td', 'Meningococcal', 'Zoster']);
    const two = foldGroups(groups, '04/01/2026', 24);
    expect(names(two.shown)).toEqual(['DTaP/Tdap/Td', 'Meningococcal', 'Pneumococcal']);
    // Brought into view, a row the API had folded reads "Upcoming".
    expect(two.shown[1]!.urgency).toBe('upcoming');
    expect(isLater(PNEUMO_COMPLETE, '04/01/2026', 1)).toBe(false);
  });

  it('lets the user change the horizon on the screen; the fold starts collapsed', async () => {
    const user = userEvent.setup();
    renderForecast([HEPB_ADULT, TDAP_SOON, MENACWY_14_MONTHS, ZOSTER, PNEUMO_COMPLETE]);
    await screen.findAllByTestId('forecast-row');
    expect(rows().map((r) => r.dataset.group)).toEqual(['HepB', 'DTaP/Tdap/Td', 'Pneumococcal']);
    const toggle = screen.getByTestId('forecast-later');
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(toggle).toHaveTextContent('Later (2)');
    expect(toggle.parentElement).toHaveTextContent('Not due within the next 12 months.');

    const horizon = screen.getByTestId('forecast-horizon');
    expect(horizon).toHaveAccessibleName('Fold under “Later” what is not due within');
    expect(horizon).toHaveValue('12');
    await user.selectOptions(horizon, '24');
    expect(rows().map((r) => r.dataset.group)).toEqual([
      'HepB',
      'DTaP/Tdap/Td',
      'Meningococcal',
      'Pneumococcal',
    ]);
    expect(within(row('Meningococcal')).getByText('Upcoming')).toHaveClass('badge', 'info');
    expect(screen.getByTestId('forecast-later')).toHaveTextContent('Later (1)');

    await user.selectOptions(horizon, '3');
    expect(screen.getByTestId('forecast-later')).toHaveTextContent('Later (3)');
    await user.click(screen.getByTestId('forecast-later'));
    const zoster = row('Zoster');
    expect(zoster.dataset.urgency).toBe('later');
    expect(within(zoster).getByText('Later')).toHaveClass('badge', 'neutral');
    expect(within(zoster).getByTestId('forecast-starts-on')).toHaveTextContent(
      'Can start on 03/14/2069',
    );
  });

  it('lists not-applicable groups last, collapsed, with their reason in words (English and Spanish)', async () => {
    const user = userEvent.setup();
    renderForecast([HEPB_ADULT, PNEUMO_COMPLETE], { notApplicable: NOT_APPLICABLE });
    await screen.findAllByTestId('forecast-row');
    const toggle = screen.getByTestId('forecast-not-applicable');
    expect(toggle).toHaveTextContent('Not applicable (travel, risk and other) (3)');
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryAllByTestId('forecast-not-applicable-row')).toHaveLength(0);
    await user.click(toggle);
    const listed = screen.getAllByTestId('forecast-not-applicable-row');
    expect(listed.map((r) => r.dataset.group)).toEqual(['Cholera', 'Yellow Fever', 'HPV']);
    expect(listed[1]).toHaveTextContent(
      'Only for travel, occupation or a health condition, and none is recorded for the client.',
    );
    expect(listed[2]).toHaveTextContent('Not for the client’s gender.');
    // Last: after every row of the table.
    const table = screen.getByTestId('forecast-table');
    const all = within(table).getAllByRole('row');
    expect(all.at(-1)).toBe(listed[2]);
    i18n.set('es');
    try {
      await waitFor(() =>
        expect(screen.getByTestId('forecast-not-applicable')).toHaveTextContent(
          'No corresponden (viajes, riesgo y otras) (3)',
        ),
      );
      const yellowFever = screen.getAllByTestId('forecast-not-applicable-row')[1]!;
      expect(yellowFever).toHaveTextContent('Fiebre amarilla');
      expect(yellowFever).toHaveTextContent(
        'Solo para viajes, ocupación o una condición de salud, y el cliente no tiene ninguna registrada.',
      );
    } finally {
      i18n.set('en');
    }
  });
});

describe('Rows a clinic reads', () => {
  it('shows the recommended vaccines of each due row with CVX and trade names', async () => {
    renderForecast([HEPB_ADULT, ROTAVIRUS]);
    await screen.findAllByTestId('forecast-row');
    const vaccines = within(row('HepB')).getAllByTestId('forecast-vaccine');
    expect(vaccines.map((v) => v.dataset.cvx)).toEqual(['189', '43']);
    expect(vaccines[0]).toHaveTextContent('Heplisav-B (DVX)');
    expect(vaccines[1]).toHaveTextContent('Engerix-B (SKB)');
    expect(within(row('Rotavirus')).getByTestId('forecast-vaccine')).toHaveTextContent(
      'RotaTeq (MSD)',
    );
  });

  it('says "Do not give after" on the row, and "Discuss (shared decision)" instead of "Due now"', async () => {
    renderForecast([COVID, ROTAVIRUS, HEPB_ADULT]);
    await screen.findAllByTestId('forecast-row');
    expect(within(row('Rotavirus')).getByTestId('forecast-latest')).toHaveTextContent(
      'Do not give after 04/30/2026',
    );
    expect(within(row('HepB')).queryByTestId('forecast-latest')).not.toBeInTheDocument();
    const covid = row('COVID-19');
    expect(within(covid).getByText('Discuss (shared decision)')).toHaveClass('badge', 'info');
    expect(within(covid).queryByText('Due now')).not.toBeInTheDocument();
    expect(covid.dataset.sharedDecision).toBe('true');
    expect(within(row('HepB')).getByText('Due now')).toBeInTheDocument();
    i18n.set('es');
    try {
      await waitFor(() =>
        expect(within(row('COVID-19')).getByText('Conversar (decisión compartida)')).toBeVisible(),
      );
      expect(within(row('Rotavirus')).getByTestId('forecast-latest')).toHaveTextContent(
        'No aplicar después del 04/30/2026',
      );
    } finally {
      i18n.set('en');
    }
  });

  it('the summary line sets shared decisions apart from what is due today', async () => {
    renderForecast([COVID, HEPB_ADULT], {
      summary: visitSummary({
        dueToday: [
          visitGroup({ vaccineGroup: 'HepB', label: 'HepB' }),
          visitGroup({ vaccineGroup: 'Influenza', label: 'Influenza', urgency: 'overdue' }),
          visitGroup({ vaccineGroup: 'COVID-19', label: 'COVID-19', sharedDecision: true }),
        ],
        nextVisitOnOrAfter: '05/29/2026',
        nextVisitGroups: [],
      }),
    });
    const summary = await screen.findByTestId('forecast-summary');
    expect(summary).toHaveTextContent(
      'Due today: HepB, Influenza · Discuss (shared decision): COVID-19 · Next visit on or after 05/29/2026',
    );
    i18n.set('es');
    try {
      await waitFor(() =>
        expect(screen.getByTestId('forecast-summary')).toHaveTextContent(
          'Para hoy: HepB, Influenza · Conversar (decisión compartida): COVID-19 · Próxima visita a partir del 05/29/2026',
        ),
      );
    } finally {
      i18n.set('en');
    }
  });
});

describe('"Why?" says what the row is made from', () => {
  it('names the series the client can start now in place of CDSi’s default series', async () => {
    const user = userEvent.setup();
    renderForecast([HEPB_ADULT]);
    await user.click(
      within((await screen.findAllByTestId('forecast-row'))[0]!).getByTestId('forecast-why'),
    );
    const trace = screen.getByTestId('forecast-trace');
    expect(within(trace).getByTestId('forecast-basis')).toHaveTextContent(
      'Shown: the series the client can start now (HepB 19+ 3-dose series); CDSi’s default series (HepB 3-dose series) is past its maximum age to start.',
    );
    expect(within(trace).getByTestId('forecast-other-series')).toHaveTextContent(
      'HepB 3-dose series (Not complete): CDSi’s default series, past its maximum age to start.',
    );
  });

  it('speaks Spanish: the basis, the reasons and the other series, with MM/DD/YYYY dates', async () => {
    const user = userEvent.setup();
    renderForecast([PNEUMO_COMPLETE]);
    const pneumo = (await screen.findAllByTestId('forecast-row'))[0]!;
    i18n.set('es');
    try {
      await user.click(within(pneumo).getByTestId('forecast-why'));
      const trace = screen.getByTestId('forecast-trace');
      expect(within(pneumo).getByRole('rowheader')).toHaveTextContent('Neumococo');
      expect(trace).toHaveAccessibleName('Cómo se evaluó Neumococo');
      expect(within(trace).getByText('Antígeno: Tos ferina')).toBeInTheDocument();
      expect(within(trace).getByTestId('forecast-basis')).toHaveTextContent(
        'Se muestra: Pneumococcal 4-dose series, la serie que CDSi eligió para este cliente.',
      );
      expect(within(trace).getByTestId('forecast-reason')).toHaveTextContent(
        'La serie está completa.',
      );
      expect(within(trace).getByTestId('forecast-other-series')).toHaveTextContent(
        'Pneumococcal 50+ series (Incompleta): empieza más adelante, el 03/14/2069.',
      );
      const steps = within(trace).getAllByTestId('forecast-step');
      expect(steps[0]).toHaveTextContent('Mejor serie para este cliente: DTaP childhood series.');
      expect(steps[1]).toHaveTextContent(
        'Dosis 5 de DTaP childhood series: más temprana 03/14/2023, recomendada 03/14/2023, atrasada desde 03/14/2026.',
      );
      // No CDC English sentence leaks into the Spanish screen.
      expect(trace).not.toHaveTextContent(/Patient|series is complete|Shown|Best series/);
    } finally {
      i18n.set('en');
    }
  });
});
