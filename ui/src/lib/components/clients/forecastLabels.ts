import type { MessageKey } from '$lib/i18n';

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
