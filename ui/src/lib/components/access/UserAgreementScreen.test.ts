import { screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { UserAgreement } from '$lib/api';
import { fail, fakeApi, ok } from '../../../test/fakeApi';
import { renderWithServices } from '../../../test/render';
import UserAgreementScreen from './UserAgreementScreen.svelte';

const agreement: UserAgreement = {
  requestNumber: 'REQ0100387',
  registryName: 'imMTrax',
  userName: 'Nancy Nurse',
  employer: 'Big Sky Family Medicine',
  jobTitle: 'Clinic RN',
  statements: [
    { id: 'safeguardPassword', text: 'I will safeguard my imMTrax access privileges.' },
    {
      id: 'sixMonthInactivation',
      text: 'Accounts not accessed in over six months are inactivated.',
    },
  ],
  signatureStatement: 'My name, typed above, is my electronic signature.',
  today: '11/22/2026',
};

describe('UserAgreementScreen', () => {
  it('opens with the emailed number and code, and reports each unchecked statement', async () => {
    const api = fakeApi({
      openUserAgreement: () => ok(agreement),
      signUserAgreement: () =>
        fail({
          code: 'validation',
          issues: [
            {
              field: 'statements.sixMonthInactivation',
              message: 'Check this statement to agree to it.',
            },
          ],
        }),
    });
    renderWithServices(UserAgreementScreen, { api, route: { name: 'userAgreement' } });
    const user = userEvent.setup();
    await user.type(screen.getByTestId('agreement-number'), 'REQ0100387');
    await user.type(screen.getByTestId('agreement-code'), 'ABCD-EFGH');
    await user.click(screen.getByTestId('agreement-open'));
    expect(api.openUserAgreement).toHaveBeenCalledWith({
      requestNumber: 'REQ0100387',
      code: 'ABCD-EFGH',
    });

    expect(await screen.findByText('For Nancy Nurse — request REQ0100387')).toBeInTheDocument();
    expect(screen.getByTestId('agreement-facility')).toHaveValue('Big Sky Family Medicine');
    await user.click(screen.getByTestId('agreement-statement-safeguardPassword'));
    await user.type(screen.getByTestId('agreement-full-name'), 'Nancy Nurse');
    await user.click(screen.getByTestId('agreement-submit'));

    expect(api.signUserAgreement).toHaveBeenCalledWith(
      expect.objectContaining({ accepted: ['safeguardPassword'], fullLegalName: 'Nancy Nurse' }),
    );
    expect(await screen.findByTestId('agreement-statement-sixMonthInactivation')).toHaveAttribute(
      'aria-invalid',
      'true',
    );
    expect(screen.getByTestId('agreement-statement-safeguardPassword')).not.toHaveAttribute(
      'aria-invalid',
    );
  });

  it('tells a signed-in supervisor that the user signs it themselves', async () => {
    const api = fakeApi({
      openUserAgreement: () => fail({ code: 'forbidden', permission: 'sign_user_agreement' }),
    });
    renderWithServices(UserAgreementScreen, { api, route: { name: 'userAgreement' } });
    const user = userEvent.setup();
    await user.type(screen.getByTestId('agreement-number'), 'REQ0100387');
    await user.type(screen.getByTestId('agreement-code'), 'ABCD-EFGH');
    await user.click(screen.getByTestId('agreement-open'));
    expect(await screen.findByTestId('agreement-error')).toHaveTextContent(
      'A supervisor cannot sign for an employee.',
    );
  });
});
