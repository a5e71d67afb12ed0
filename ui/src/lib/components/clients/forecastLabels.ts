import { t, type MessageKey } from '$lib/i18n';

export type Tone = 'neutral' | 'info' | 'success' | 'warning' | 'danger';

/** What each urgency looks like: a badge text (colour is never the only signal) and a tone. */
const URGENCY: Record<string, { key: MessageKey; tone: Tone }> = {
  overdue: { key: 'forecast.urgency.overdue', tone: 'danger' },
  due: { key: 'forecast.urgency.due', tone: 'warning' },
  upcoming: { key: 'forecast.urgency.upcoming', tone: 'info' },
  later: { key: 'forecast.urgency.later', tone: 'neutral' },
  complete: { key: 'forecast.urgency.complete', tone: 'success' },
  immune: { key: 'forecast.urgency.immune', tone: 'success' },
  aged_out: { key: 'forecast.urgency.aged_out', tone: 'neutral' },
  contraindicated: { key: 'forecast.urgency.contraindicated', tone: 'neutral' },
  not_recommended: { key: 'forecast.urgency.not_recommended', tone: 'neutral' },
  /** A shared clinical decision-making dose that may be given now: talked over, not routine. */
  discuss: { key: 'forecast.urgency.discuss', tone: 'info' },
};

export function urgencyLabel(urgency: string): { key: MessageKey | null; tone: Tone } {
  return URGENCY[urgency] ?? { key: null, tone: 'neutral' };
}

/** CDC series statuses, as the CDSi spells them. */
const STATUS: Record<string, MessageKey> = {
  'not complete': 'forecast.status.notComplete',
  complete: 'forecast.status.complete',
  immune: 'forecast.status.immune',
  'aged out': 'forecast.status.agedOut',
  contraindicated: 'forecast.status.contraindicated',
  'not recommended': 'forecast.status.notRecommended',
};

export function statusKey(status: string): MessageKey | null {
  return STATUS[status.trim().toLowerCase()] ?? null;
}

/** CDC dose evaluation statuses other than Valid. */
const EVALUATION: Record<string, MessageKey> = {
  'not valid': 'evaluation.notValid',
  extraneous: 'evaluation.extraneous',
  'sub-standard': 'evaluation.substandard',
  substandard: 'evaluation.substandard',
};

export function evaluationKey(status: string): MessageKey | null {
  return EVALUATION[status.trim().toLowerCase()] ?? null;
}

/** CDC forecast reasons (Table 7-10 wording), so the UI never shows CDC's English in Spanish. */
const REASON: Record<string, MessageKey> = {
  'patient has evidence of immunity': 'forecast.reason.EvidenceOfImmunity',
  'patient series is complete': 'forecast.reason.SeriesComplete',
  'not recommended at this time due to past immunization history':
    'forecast.reason.NotRecommendedDueToHistory',
  'patient has a contraindication': 'forecast.reason.Contraindication',
  'past seasonal recommendation end date': 'forecast.reason.PastSeasonalEndDate',
  'patient has exceeded the maximum age': 'forecast.reason.ExceededMaximumAge',
  'patient is unable to finish the series prior to the maximum age':
    'forecast.reason.CannotFinishBeforeMaximumAge',
};

export function reasonKey(reason: string): MessageKey | null {
  return REASON[reason.trim().toLowerCase()] ?? null;
}

/** Why a vaccine group is not applicable (the API's reason codes). */
const NOT_APPLICABLE: Record<string, MessageKey> = {
  no_indication: 'forecast.notApplicable.no_indication',
  indication_not_at_this_age: 'forecast.notApplicable.indication_not_at_this_age',
  gender: 'forecast.notApplicable.gender',
  no_series: 'forecast.notApplicable.no_series',
};

export function notApplicableKey(reason: string): MessageKey | null {
  return NOT_APPLICABLE[reason] ?? null;
}

/** Why another series of the group is not the row (the API's codes). */
const OTHER_SERIES: Record<string, MessageKey> = {
  starts_later: 'forecast.otherSeries.starts_later',
  lower_rank: 'forecast.otherSeries.lower_rank',
  past_maximum_age_to_start: 'forecast.otherSeries.past_maximum_age_to_start',
};

export function otherSeriesKey(because: string): MessageKey | null {
  return OTHER_SERIES[because] ?? null;
}

/**
 * Vaccine group and antigen names (the CDSi names) in the user's language; names that read the
 * same in both languages (HepA, HepB, Hib, MMR, Polio, Influenza, COVID-19, …) are kept.
 */
const NAMES: Record<string, MessageKey> = {
  Cholera: 'forecast.name.cholera',
  Diphtheria: 'forecast.name.diphtheria',
  Ebola: 'forecast.name.ebola',
  HPV: 'forecast.name.hpv',
  'Japanese Encephalitis': 'forecast.name.japaneseEncephalitis',
  Measles: 'forecast.name.measles',
  Meningococcal: 'forecast.name.meningococcal',
  'Meningococcal B': 'forecast.name.meningococcalB',
  Mumps: 'forecast.name.mumps',
  Orthopoxvirus: 'forecast.name.orthopoxvirus',
  Pertussis: 'forecast.name.pertussis',
  Pneumococcal: 'forecast.name.pneumococcal',
  RSV: 'forecast.name.rsv',
  Rabies: 'forecast.name.rabies',
  Rubella: 'forecast.name.rubella',
  TBE: 'forecast.name.tbe',
  Tetanus: 'forecast.name.tetanus',
  Typhoid: 'forecast.name.typhoid',
  Varicella: 'forecast.name.varicella',
  'Yellow Fever': 'forecast.name.yellowFever',
  Zoster: 'forecast.name.zoster',
};

export function groupName(name: string): string {
  const key = NAMES[name];
  return key ? t(key) : name;
}
