/**
 * Messages of the forecast screen's visit summary, recommended vaccines and "Why?" trace,
 * spread into `en.ts` and `es.ts` (kept in their own file so the feature's strings do not
 * collide with other features' edits). Trace sentences take MM/DD/YYYY dates; CDC texts (series
 * names, skip-set descriptions, observation titles) are passed through as CDC wrote them.
 */
export const forecastEn = {
  'forecast.summary.label': 'Visit summary',
  'forecast.summary.dueToday': 'Due today: {groups}',
  'forecast.summary.allowedToday': 'May be given today: {groups}',
  'forecast.summary.nothingToday': 'Nothing due today',
  'forecast.summary.nextVisit': 'Next visit on or after {date}',
  'forecast.summary.nextVisitFor': 'for {groups}',
  'forecast.summary.noNextVisit': 'No further dose is forecast',
  'forecast.summary.overdueNote': 'Overdue: {groups}.',
  'forecast.vaccine.alsoCovers': 'Combination: also covers {groups}',
  'forecast.vaccine.preferred': 'Preferred by CDC',
  'forecast.vaccine.cvx': 'CVX {cvx}',
  'forecast.vaccine.give': 'Record',
  'forecast.vaccine.giveLabel': 'Record a dose of {vaccine} (CVX {cvx})',
  'forecast.trace.groupSteps': 'Vaccine group',
  'forecast.trace.antigenSteps': 'Antigen: {antigen}',
  'forecast.trace.ruleLabel': 'Rule {rule}',
  'forecast.trace.none': '—',
  'forecast.trace.TargetDoseSkipped.evaluation':
    'Dose {dose} was skipped when evaluating the dose given on {date}: {sets}.',
  'forecast.trace.TargetDoseSkipped.forecast': 'Dose {dose} is skipped as of {date}: {sets}.',
  'forecast.trace.TargetDoseSkipped.validation':
    'Dose {dose} is skipped at its earliest date, {date}: {sets}.',
  'forecast.trace.SeriesAlreadyComplete':
    '{series} was already complete, so this dose was an extra dose.',
  'forecast.trace.DoseEvaluated':
    'The CVX {cvx} dose given on {date} was evaluated as dose {dose} of {series}.',
  'forecast.trace.InadvertentVaccine':
    'CVX {cvx} is not a vaccine for this dose: it was given by mistake (inadvertent administration).',
  'forecast.trace.AgeTooYoung':
    'Given before the absolute minimum age date ({date}): the client was too young.',
  'forecast.trace.AgeTooOld':
    'Given on or after the maximum age date ({date}): the client was too old.',
  'forecast.trace.AgeGracePeriod':
    'Given within the 4-day grace period before the minimum age date ({date}).',
  'forecast.trace.AgeValid': 'Given at a valid age (minimum age date {date}).',
  'forecast.trace.PreferableIntervalTooSoon':
    'Given too soon after {reference}: before the absolute minimum interval date ({date}).',
  'forecast.trace.PreferableIntervalMet':
    'The interval after {reference} was met (absolute minimum {date}).',
  'forecast.trace.AllowableIntervalMet':
    'The allowable interval after {reference} was met (absolute minimum {date}).',
  'forecast.trace.LiveVirusConflict':
    'CVX {cvx} was given too soon after the live vaccine CVX {other} given on {otherDate} (conflict from {begin} to {end}).',
  'forecast.trace.PreferableVaccine': 'CVX {cvx} is a preferable vaccine for this dose.',
  'forecast.trace.AllowableVaccine': 'CVX {cvx} is an allowable vaccine for this dose.',
  'forecast.trace.NotPreferableOrAllowable':
    'CVX {cvx} is neither a preferable nor an allowable vaccine for this dose.',
  'forecast.trace.ImmuneByObservation': 'Evidence of immunity: {title} (observation {code}).',
  'forecast.trace.ImmuneByBirthDate': 'Evidence of immunity: born before {date}.',
  'forecast.trace.NoTargetDoseLeft': 'No dose is left in the series: {status}.',
  'forecast.trace.AntigenContraindication': 'Contraindication: {title} (observation {code}).',
  'forecast.trace.AllPreferableVaccinesContraindicated':
    'Every preferable vaccine for this dose is contraindicated.',
  'forecast.trace.PastSeasonalEndDate': 'The seasonal recommendation has ended.',
  'forecast.trace.MaximumAgeReached': 'The client is past the maximum age ({date}).',
  'forecast.trace.EarliestFromMinimumAge': 'Minimum age reached on {date}.',
  'forecast.trace.EarliestFromMinimumInterval':
    'Minimum interval of {interval} after {reference}: {date}.',
  'forecast.trace.EarliestFromConflict':
    'Not before {date}: too close to the live vaccine CVX {cvx} given on {otherDate}.',
  'forecast.trace.EarliestFromSeasonStart': 'The seasonal recommendation starts on {date}.',
  'forecast.trace.EarliestFromMostRecentDose': 'Not before the most recent dose, given on {date}.',
  'forecast.trace.CannotFinishBeforeMaximumAge':
    'The earliest date ({date}) is not before the maximum age: the series cannot be finished in time.',
  'forecast.trace.ForecastDates':
    'Dose {dose} of {series}: earliest {earliest}, recommended {recommended}, past due {pastDue}.',
  'forecast.trace.SeriesScores': 'Series scores in series group {group}: {scores}.',
  'forecast.trace.PrioritizedSeries':
    'Series group {group}: the series chosen is {series} ({status}).',
  'forecast.trace.BestSeries': 'Best series for this client: {series}.',
  'forecast.trace.SeasonAssumed':
    'The CDC data defines seasons only through {dataEnd}: the season {start} to {end} is assumed from the last one.',
  'forecast.trace.GroupDates':
    '{group}: dose {dose}, earliest {earliest}, recommended {recommended}, past due {pastDue}.',
  'forecast.trace.GroupStatus': '{group}: {status}.',
  'forecast.unit.year.one': '{count} year',
  'forecast.unit.year.other': '{count} years',
  'forecast.unit.month.one': '{count} month',
  'forecast.unit.month.other': '{count} months',
  'forecast.unit.week.one': '{count} week',
  'forecast.unit.week.other': '{count} weeks',
  'forecast.unit.day.one': '{count} day',
  'forecast.unit.day.other': '{count} days',
  'forecast.unit.minus': 'minus {part}',
} as const;

export const forecastEs: { readonly [K in keyof typeof forecastEn]: string } = {
  'forecast.summary.label': 'Resumen de la visita',
  'forecast.summary.dueToday': 'Para hoy: {groups}',
  'forecast.summary.allowedToday': 'Se pueden aplicar hoy: {groups}',
  'forecast.summary.nothingToday': 'Nada para hoy',
  'forecast.summary.nextVisit': 'Próxima visita a partir del {date}',
  'forecast.summary.nextVisitFor': 'para {groups}',
  'forecast.summary.noNextVisit': 'No se prevén más dosis',
  'forecast.summary.overdueNote': 'Atrasadas: {groups}.',
  'forecast.vaccine.alsoCovers': 'Combinada: también cubre {groups}',
  'forecast.vaccine.preferred': 'Preferida por los CDC',
  'forecast.vaccine.cvx': 'CVX {cvx}',
  'forecast.vaccine.give': 'Registrar',
  'forecast.vaccine.giveLabel': 'Registrar una dosis de {vaccine} (CVX {cvx})',
  'forecast.trace.groupSteps': 'Grupo de vacunas',
  'forecast.trace.antigenSteps': 'Antígeno: {antigen}',
  'forecast.trace.ruleLabel': 'Regla {rule}',
  'forecast.trace.none': '—',
  'forecast.trace.TargetDoseSkipped.evaluation':
    'Se omitió la dosis {dose} al evaluar la dosis aplicada el {date}: {sets}.',
  'forecast.trace.TargetDoseSkipped.forecast': 'Se omite la dosis {dose} al {date}: {sets}.',
  'forecast.trace.TargetDoseSkipped.validation':
    'Se omite la dosis {dose} en su fecha más temprana, el {date}: {sets}.',
  'forecast.trace.SeriesAlreadyComplete':
    '{series} ya estaba completa, así que esta dosis fue adicional.',
  'forecast.trace.DoseEvaluated':
    'La dosis de CVX {cvx} aplicada el {date} se evaluó como la dosis {dose} de {series}.',
  'forecast.trace.InadvertentVaccine':
    'CVX {cvx} no es una vacuna para esta dosis: se aplicó por error (administración inadvertida).',
  'forecast.trace.AgeTooYoung':
    'Aplicada antes de la fecha de edad mínima absoluta ({date}): el cliente no tenía la edad suficiente.',
  'forecast.trace.AgeTooOld':
    'Aplicada en la fecha de edad máxima ({date}) o después: el cliente superaba la edad.',
  'forecast.trace.AgeGracePeriod':
    'Aplicada dentro de los 4 días de gracia antes de la fecha de edad mínima ({date}).',
  'forecast.trace.AgeValid': 'Aplicada a una edad válida (fecha de edad mínima: {date}).',
  'forecast.trace.PreferableIntervalTooSoon':
    'Aplicada demasiado pronto después del {reference}: antes de la fecha de intervalo mínimo absoluto ({date}).',
  'forecast.trace.PreferableIntervalMet':
    'Se cumplió el intervalo después del {reference} (mínimo absoluto: {date}).',
  'forecast.trace.AllowableIntervalMet':
    'Se cumplió el intervalo permitido después del {reference} (mínimo absoluto: {date}).',
  'forecast.trace.LiveVirusConflict':
    'CVX {cvx} se aplicó demasiado pronto después de la vacuna de virus vivos CVX {other} del {otherDate} (conflicto del {begin} al {end}).',
  'forecast.trace.PreferableVaccine': 'CVX {cvx} es una vacuna preferible para esta dosis.',
  'forecast.trace.AllowableVaccine': 'CVX {cvx} es una vacuna permitida para esta dosis.',
  'forecast.trace.NotPreferableOrAllowable':
    'CVX {cvx} no es una vacuna preferible ni permitida para esta dosis.',
  'forecast.trace.ImmuneByObservation': 'Evidencia de inmunidad: {title} (observación {code}).',
  'forecast.trace.ImmuneByBirthDate': 'Evidencia de inmunidad: nació antes del {date}.',
  'forecast.trace.NoTargetDoseLeft': 'No quedan dosis en la serie: {status}.',
  'forecast.trace.AntigenContraindication': 'Contraindicación: {title} (observación {code}).',
  'forecast.trace.AllPreferableVaccinesContraindicated':
    'Todas las vacunas preferibles para esta dosis están contraindicadas.',
  'forecast.trace.PastSeasonalEndDate': 'La recomendación de temporada ya terminó.',
  'forecast.trace.MaximumAgeReached': 'El cliente superó la edad máxima ({date}).',
  'forecast.trace.EarliestFromMinimumAge': 'Alcanza la edad mínima el {date}.',
  'forecast.trace.EarliestFromMinimumInterval':
    'Intervalo mínimo de {interval} después del {reference}: {date}.',
  'forecast.trace.EarliestFromConflict':
    'No antes del {date}: demasiado cerca de la vacuna de virus vivos CVX {cvx} del {otherDate}.',
  'forecast.trace.EarliestFromSeasonStart': 'La recomendación de temporada empieza el {date}.',
  'forecast.trace.EarliestFromMostRecentDose':
    'No antes de la dosis más reciente, aplicada el {date}.',
  'forecast.trace.CannotFinishBeforeMaximumAge':
    'La fecha más temprana ({date}) no es anterior a la edad máxima: la serie no se puede terminar a tiempo.',
  'forecast.trace.ForecastDates':
    'Dosis {dose} de {series}: más temprana {earliest}, recomendada {recommended}, atrasada desde {pastDue}.',
  'forecast.trace.SeriesScores': 'Puntuaciones en el grupo de series {group}: {scores}.',
  'forecast.trace.PrioritizedSeries':
    'Grupo de series {group}: la serie elegida es {series} ({status}).',
  'forecast.trace.BestSeries': 'Mejor serie para este cliente: {series}.',
  'forecast.trace.SeasonAssumed':
    'Los datos de los CDC definen temporadas solo hasta el {dataEnd}: se supone la temporada del {start} al {end} a partir de la última.',
  'forecast.trace.GroupDates':
    '{group}: dosis {dose}, más temprana {earliest}, recomendada {recommended}, atrasada desde {pastDue}.',
  'forecast.trace.GroupStatus': '{group}: {status}.',
  'forecast.unit.year.one': '{count} año',
  'forecast.unit.year.other': '{count} años',
  'forecast.unit.month.one': '{count} mes',
  'forecast.unit.month.other': '{count} meses',
  'forecast.unit.week.one': '{count} semana',
  'forecast.unit.week.other': '{count} semanas',
  'forecast.unit.day.one': '{count} día',
  'forecast.unit.day.other': '{count} días',
  'forecast.unit.minus': 'menos {part}',
};
