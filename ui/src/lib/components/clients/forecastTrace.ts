import type { ForecastStep, RecommendedVaccine, TraceInterval, VisitGroup } from '$lib/api';
import { plural, t, type MessageKey } from '$lib/i18n';
import { groupName, statusKey } from './forecastLabels';

/** A CDC series status (`Not Complete`) in the user's language. */
function status(value: string): string {
  const key = statusKey(value);
  return key ? t(key) : value;
}

const none = () => t('forecast.trace.none');
const opt = (value: string | null | undefined) => value ?? none();

type Unit = 'year' | 'month' | 'week' | 'day';

function unit(count: number, which: Unit): string {
  const text = plural(
    Math.abs(count),
    `forecast.unit.${which}.one` as MessageKey,
    `forecast.unit.${which}.other` as MessageKey,
  );
  return count < 0 ? t('forecast.unit.minus', { part: text }) : text;
}

/** A supporting-data interval in words: "6 months minus 4 days", "4 weeks", "1 year". */
export function intervalText(interval: TraceInterval): string {
  const parts: string[] = [];
  if (interval.years !== 0) parts.push(unit(interval.years, 'year'));
  if (interval.months !== 0) parts.push(unit(interval.months, 'month'));
  if (interval.days !== 0 && interval.days % 7 === 0 && parts.length === 0) {
    parts.push(unit(interval.days / 7, 'week'));
  } else if (interval.days !== 0 || parts.length === 0) {
    parts.push(unit(interval.days, 'day'));
  }
  return parts.join(' ');
}

/** One "Why?" step as a sentence in the user's language (dates stay MM/DD/YYYY). */
export function traceText(step: ForecastStep): string {
  switch (step.code) {
    case 'TargetDoseSkipped': {
      const p = step.params;
      const when = ['evaluation', 'forecast', 'validation'].includes(p.when) ? p.when : 'forecast';
      return t(`forecast.trace.TargetDoseSkipped.${when}` as MessageKey, {
        dose: p.targetDose,
        date: p.at,
        sets: p.sets.join('; '),
      });
    }
    case 'SeriesAlreadyComplete':
      return t('forecast.trace.SeriesAlreadyComplete', { series: step.params.series });
    case 'DoseEvaluated':
      return t('forecast.trace.DoseEvaluated', {
        cvx: step.params.cvx,
        date: step.params.date,
        dose: step.params.targetDose,
        series: step.params.series,
      });
    case 'InadvertentVaccine':
      return t('forecast.trace.InadvertentVaccine', { cvx: step.params.cvx });
    case 'AgeTooYoung':
      return t('forecast.trace.AgeTooYoung', { date: step.params.absoluteMinimumAgeDate });
    case 'AgeTooOld':
      return t('forecast.trace.AgeTooOld', { date: step.params.maximumAgeDate });
    case 'AgeGracePeriod':
      return t('forecast.trace.AgeGracePeriod', { date: step.params.minimumAgeDate });
    case 'AgeValid':
      return t('forecast.trace.AgeValid', { date: step.params.minimumAgeDate });
    case 'PreferableIntervalTooSoon':
    case 'PreferableIntervalMet':
    case 'AllowableIntervalMet':
      return t(`forecast.trace.${step.code}`, {
        reference: step.params.referenceDate,
        date: step.params.absoluteMinimumIntervalDate,
      });
    case 'LiveVirusConflict':
      return t('forecast.trace.LiveVirusConflict', {
        cvx: step.params.cvx,
        other: step.params.conflictingCvx,
        otherDate: step.params.conflictingDate,
        begin: step.params.conflictBegin,
        end: step.params.conflictEnd,
      });
    case 'PreferableVaccine':
    case 'AllowableVaccine':
    case 'NotPreferableOrAllowable':
      return t(`forecast.trace.${step.code}`, { cvx: step.params.cvx });
    case 'ImmuneByObservation':
    case 'AntigenContraindication':
      return t(`forecast.trace.${step.code}`, {
        title: step.params.title,
        code: step.params.observation,
      });
    case 'ImmuneByBirthDate':
      return t('forecast.trace.ImmuneByBirthDate', { date: step.params.bornBefore });
    case 'NoTargetDoseLeft':
      return t('forecast.trace.NoTargetDoseLeft', { status: status(step.params.status) });
    case 'AllPreferableVaccinesContraindicated':
    case 'PastSeasonalEndDate':
      return t(`forecast.trace.${step.code}`);
    case 'MaximumAgeReached':
      return t('forecast.trace.MaximumAgeReached', { date: step.params.maximumAgeDate });
    case 'EarliestFromMinimumAge':
    case 'EarliestFromSeasonStart':
    case 'EarliestFromMostRecentDose':
      return t(`forecast.trace.${step.code}`, { date: step.params.date });
    case 'EarliestFromMinimumInterval':
      return t('forecast.trace.EarliestFromMinimumInterval', {
        interval: intervalText(step.params.interval),
        reference: step.params.referenceDate,
        date: step.params.date,
      });
    case 'EarliestFromConflict':
      return t('forecast.trace.EarliestFromConflict', {
        date: step.params.date,
        cvx: step.params.conflictingCvx,
        otherDate: step.params.conflictingDate,
      });
    case 'CannotFinishBeforeMaximumAge':
      return t('forecast.trace.CannotFinishBeforeMaximumAge', { date: step.params.earliest });
    case 'ForecastDates':
      return t('forecast.trace.ForecastDates', {
        dose: step.params.targetDose,
        series: step.params.series,
        earliest: step.params.earliest,
        recommended: step.params.recommended,
        pastDue: opt(step.params.pastDue),
      });
    case 'SeriesScores':
      return t('forecast.trace.SeriesScores', {
        group: step.params.seriesGroup,
        scores: step.params.scores.map((s) => `${s.series}: ${s.score}`).join(', '),
      });
    case 'PrioritizedSeries':
      return t('forecast.trace.PrioritizedSeries', {
        group: step.params.seriesGroup,
        series: step.params.series,
        status: status(step.params.status),
      });
    case 'BestSeries':
      return t('forecast.trace.BestSeries', { series: step.params.series });
    case 'SeasonAssumed':
      return t('forecast.trace.SeasonAssumed', {
        dataEnd: step.params.dataEnd,
        start: step.params.start,
        end: step.params.end,
      });
    case 'GroupDates':
      return t('forecast.trace.GroupDates', {
        group: groupName(step.params.vaccineGroup),
        dose: step.params.doseNumber ?? none(),
        earliest: opt(step.params.earliest),
        recommended: opt(step.params.recommended),
        pastDue: opt(step.params.pastDue),
      });
    case 'GroupStatus':
      return t('forecast.trace.GroupStatus', {
        group: groupName(step.params.vaccineGroup),
        status: status(step.params.status),
      });
    default: {
      // A code this version of the screen does not know: show it as sent.
      const unknown = step as { code: string };
      return unknown.code;
    }
  }
}

/** A section of the "Why?": the vaccine group's own steps, or one antigen's. */
export interface TraceSection {
  antigen: string | null;
  steps: ForecastStep[];
}

/** Consecutive steps of the same antigen form one section, in the order sent. */
export function traceSections(steps: ForecastStep[]): TraceSection[] {
  const sections: TraceSection[] = [];
  for (const step of steps) {
    const last = sections.at(-1);
    if (last && last.antigen === step.antigen) last.steps.push(step);
    else sections.push({ antigen: step.antigen, steps: [step] });
  }
  return sections;
}

/** "Pediarix (SKB), Infanrix (SKB)". */
export function tradeNames(vaccine: RecommendedVaccine): string {
  return vaccine.tradeNames.map((n) => (n.mvx ? `${n.name} (${n.mvx})` : n.name)).join(', ');
}

/** The summary line's list: "DTaP, IPV, MMR, VAR" (each label once). */
export function summaryLabels(groups: VisitGroup[]): string[] {
  return [...new Set(groups.map((g) => g.label))];
}
