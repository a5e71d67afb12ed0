import { describe, expect, it } from 'vitest';
import { appErrorMessage } from './messages';

describe('appErrorMessage', () => {
  it('explains a school or child-care facility reach refusal instead of naming a permission code', () => {
    expect(appErrorMessage({ code: 'forbidden', permission: 'facility_other_state' })).toEqual({
      key: 'error.facilityOtherState',
    });
    expect(
      appErrorMessage({ code: 'forbidden', permission: 'facility_outside_served_ages' }),
    ).toEqual({ key: 'error.facilityOutsideServedAges' });
  });

  it('keeps the generic role message for other permissions', () => {
    expect(appErrorMessage({ code: 'forbidden', permission: 'add_immunizations' })).toEqual({
      key: 'error.forbidden',
      params: { permission: 'add_immunizations' },
    });
  });
});
