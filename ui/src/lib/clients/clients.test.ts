import { describe, expect, it } from 'vitest';
import { dose, doseAssessment, groupForecast } from '../../test/fakeApi';
import {
  assessmentsByDose,
  doseProblems,
  groupByVaccineGroup,
  splitForecastGroups,
} from './clientRecord.svelte';
import { autoSlashDate } from './dateInput';
import { listName } from './names';

describe('groupByVaccineGroup', () => {
  it('lists a dose under each of its groups, groups alphabetical, doses oldest first', () => {
    const mmrv = dose({
      id: 'mmrv',
      vaccineGroups: 'MMR, VARICELLA',
      administeredOn: '03/20/2020',
    });
    const mmr = dose({ id: 'mmr', vaccineGroups: 'MMR', administeredOn: '04/01/2023' });
    const early = dose({ id: 'mmr0', vaccineGroups: 'MMR', administeredOn: '12/31/2019' });
    const odd = dose({ id: 'odd', vaccineGroups: '' });
    const groups = groupByVaccineGroup([mmr, mmrv, odd, early]);
    expect(groups.map((g) => g.name)).toEqual(['MMR', 'VARICELLA', null]);
    expect(groups[0]?.doses.map((d) => d.id)).toEqual(['mmr0', 'mmrv', 'mmr']);
    expect(groups[1]?.doses.map((d) => d.id)).toEqual(['mmrv']);
    expect(groups[2]?.doses.map((d) => d.id)).toEqual(['odd']);
  });
});

describe('autoSlashDate', () => {
  it('inserts slashes while typing digits and does not double a typed slash', () => {
    let value = '';
    for (const ch of '03/14/2019') value = autoSlashDate(value + ch, 'insertText');
    expect(value).toBe('03/14/2019');
    value = '';
    for (const ch of '03142019') value = autoSlashDate(value + ch, 'insertText');
    expect(value).toBe('03/14/2019');
  });

  it('formats pasted digits and leaves deletions alone', () => {
    expect(autoSlashDate('03142019', 'insertFromPaste')).toBe('03/14/2019');
    expect(autoSlashDate('03/1', 'deleteContentBackward')).toBe('03/1');
    expect(autoSlashDate('03', 'deleteContentBackward')).toBe('03');
  });
});

describe('listName', () => {
  it('is Last, First Middle', () => {
    expect(listName({ lastName: 'Martinez', firstName: 'Sofia', middleName: 'Ana' })).toBe(
      'Martinez, Sofia Ana',
    );
    expect(listName({ lastName: 'Martinez', firstName: 'Sofia', middleName: null })).toBe(
      'Martinez, Sofia',
    );
  });
});

describe('forecast helpers', () => {
  it('keeps not-recommended groups apart, in the engine order', () => {
    const groups = [
      groupForecast({ vaccineGroup: 'A', urgency: 'overdue' }),
      groupForecast({ vaccineGroup: 'T', urgency: 'not_recommended' }),
      groupForecast({ vaccineGroup: 'B', urgency: 'complete' }),
    ];
    const split = splitForecastGroups(groups);
    expect(split.shown.map((g) => g.vaccineGroup)).toEqual(['A', 'B']);
    expect(split.notRecommended.map((g) => g.vaccineGroup)).toEqual(['T']);
  });

  it('folds groups not due within a year under "Later", apart from the rows to act on', () => {
    const groups = [
      groupForecast({ vaccineGroup: 'Influenza', urgency: 'due' }),
      groupForecast({ vaccineGroup: 'Zoster', urgency: 'later' }),
      groupForecast({ vaccineGroup: 'HPV', urgency: 'upcoming' }),
      groupForecast({ vaccineGroup: 'Yellow Fever', urgency: 'not_recommended' }),
    ];
    const split = splitForecastGroups(groups);
    expect(split.shown.map((g) => g.vaccineGroup)).toEqual(['Influenza', 'HPV']);
    expect(split.later.map((g) => g.vaccineGroup)).toEqual(['Zoster']);
    expect(split.notRecommended.map((g) => g.vaccineGroup)).toEqual(['Yellow Fever']);
  });

  it('indexes evaluations by dose and merges antigens that share a problem', () => {
    const evaluations = [
      doseAssessment({ immunizationId: 'd1', antigen: 'Diphtheria' }),
      doseAssessment({
        immunizationId: 'd1',
        antigen: 'Tetanus',
        status: 'Not Valid',
        reason: 'Age: Too Young',
      }),
      doseAssessment({
        immunizationId: 'd1',
        antigen: 'Pertussis',
        status: 'Not Valid',
        reason: 'Age: Too Young',
      }),
      doseAssessment({
        immunizationId: 'd1',
        antigen: 'Hep B',
        status: 'Extraneous',
        reason: null,
      }),
      doseAssessment({ immunizationId: 'd2', antigen: 'Measles' }),
    ];
    const byDose = assessmentsByDose(evaluations);
    expect(byDose['d1']).toHaveLength(4);
    expect(doseProblems(byDose['d1']!)).toEqual([
      { status: 'Not Valid', reason: 'Age: Too Young', antigens: ['Tetanus', 'Pertussis'] },
      { status: 'Extraneous', reason: null, antigens: ['Hep B'] },
    ]);
    expect(doseProblems(byDose['d2']!)).toEqual([]);
  });
});
