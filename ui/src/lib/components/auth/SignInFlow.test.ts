import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Api } from '$lib/api';
import { i18n } from '$lib/i18n';
import App from '../../../App.svelte';
import {
  captcha,
  fail,
  fakeApi,
  ok,
  provider,
  RULES,
  STATEMENT,
  steps,
} from '../../../test/fakeApi';

function start(overrides: Partial<Api> = {}) {
  const api = fakeApi(overrides);
  render(App, { props: { api } });
  return { api, user: userEvent.setup() };
}

async function credentials(user: ReturnType<typeof userEvent.setup>, password = 'secret') {
  const org = await screen.findByTestId('sign-in-org');
  await user.clear(org);
  await user.type(org, 'MT0001');
  await user.clear(screen.getByTestId('sign-in-username'));
  await user.type(screen.getByTestId('sign-in-username'), 'mt.readonly');
  await user.type(screen.getByTestId('sign-in-password'), password);
}

beforeEach(() => i18n.set('en'));

describe('sign-in flow', () => {
  it('shows the CAPTCHA screen on captcha_required and sends the answer with the challenge id', async () => {
    const { api, user } = start({
      signIn: () => fail({ code: 'captcha_required', challenge: captcha('ch-1') }),
    });
    await credentials(user, 'wrong-3');
    await user.keyboard('{Enter}');

    const image = await screen.findByTestId('captcha-image');
    expect(image).toHaveAttribute('src', captcha().imageDataUrl);
    expect(image).toHaveAccessibleName('Security image with characters to type');
    expect(screen.getByTestId('captcha-question')).toHaveTextContent(
      'What is seven plus two? Type the answer in digits.',
    );
    // The question is the answer field's accessible description (the text alternative).
    expect(screen.getByTestId('captcha-answer')).toHaveAccessibleDescription(
      'What is seven plus two? Type the answer in digits.',
    );
    expect(screen.getByTestId('sign-in-org')).toHaveValue('MT0001');
    expect(screen.getByTestId('sign-in-password')).toHaveValue('');
    expect(screen.getByTestId('sign-in-password')).toHaveFocus();

    api.signIn.mockImplementation(() => ok(steps.confidentiality));
    await user.type(screen.getByTestId('sign-in-password'), 'right-password');
    await user.type(screen.getByTestId('captcha-answer'), '9{Enter}');
    await screen.findByTestId('confidentiality-statement');
    expect(api.signIn).toHaveBeenLastCalledWith({
      organizationCode: 'MT0001',
      username: 'mt.readonly',
      password: 'right-password',
      captcha: { challengeId: 'ch-1', answer: '9' },
      remember: false,
    });
  });

  it('asks for a new CAPTCHA image and uses its id', async () => {
    const { api, user } = start({
      signIn: () => fail({ code: 'captcha_required', challenge: captcha('ch-1') }),
    });
    await credentials(user, 'wrong');
    await user.keyboard('{Enter}');
    await user.click(await screen.findByTestId('captcha-new'));
    await waitFor(() => expect(api.newCaptcha).toHaveBeenCalledTimes(1));
    expect(screen.getByTestId('captcha-answer')).toHaveFocus();
    await user.type(screen.getByTestId('sign-in-password'), 'pw');
    await user.type(screen.getByTestId('captcha-answer'), 'abcde{Enter}');
    await waitFor(() => expect(api.signIn).toHaveBeenCalledTimes(2));
    expect(api.signIn.mock.calls[1]![0].captcha).toEqual({
      challengeId: 'ch-new',
      answer: 'abcde',
    });
    // Failing again with the CAPTCHA says so.
    expect(await screen.findByTestId('sign-in-error')).toHaveTextContent('security check');
  });

  it('sends a locked account to Forgot Password with an explanation', async () => {
    const { api, user } = start({ signIn: () => fail({ code: 'account_locked' }) });
    await credentials(user, 'wrong-6');
    await user.keyboard('{Enter}');

    expect(await screen.findByTestId('forgot-reason')).toHaveTextContent(/locked/);
    expect(screen.getByTestId('forgot-org')).toHaveValue('MT0001');
    expect(screen.getByTestId('forgot-username')).toHaveValue('mt.readonly');
    expect(screen.getByTestId('forgot-email')).toHaveFocus();

    await user.type(screen.getByTestId('forgot-email'), 'mt.readonly@demo.shotbook.invalid{Enter}');
    expect(await screen.findByTestId('forgot-message')).toHaveTextContent('reset code');
    expect(screen.queryByText(/outbox|\.eml|\/tmp/)).not.toBeInTheDocument();
    expect(api.forgotPassword).toHaveBeenCalledWith({
      organizationCode: 'MT0001',
      username: 'mt.readonly',
      email: 'mt.readonly@demo.shotbook.invalid',
    });

    await user.click(screen.getByTestId('forgot-back'));
    expect(await screen.findByTestId('sign-in-org')).toHaveValue('MT0001');
    expect(screen.getByTestId('sign-in-username')).toHaveValue('mt.readonly');
  });

  it('resets the password with the emailed code and returns to sign-in saying so', async () => {
    const { api, user } = start({
      resetPassword: vi
        .fn()
        .mockImplementationOnce(() =>
          fail({
            code: 'validation',
            issues: [{ field: 'code', message: 'This reset code is not valid.' }],
          }),
        )
        .mockImplementation(() => ok(null)),
    });
    await user.click(await screen.findByTestId('forgot-password-link'));
    await user.type(screen.getByTestId('forgot-org'), 'MT0001');
    await user.type(screen.getByTestId('forgot-username'), 'mt.readonly');
    await user.click(screen.getAllByTestId('forgot-have-code')[0]!);
    expect(screen.getByTestId('forgot-code')).toHaveFocus();
    await user.type(screen.getByTestId('forgot-code'), 'ABCD-EFGH-JKLM-NPQX');
    await user.type(screen.getByTestId('forgot-new-password'), 'Big Sky clinic 2027');
    await user.type(screen.getByTestId('forgot-confirm-password'), 'Big Sky clinic 2027{Enter}');
    await waitFor(() =>
      expect(screen.getByTestId('forgot-code')).toHaveAccessibleDescription(
        /This reset code is not valid./,
      ),
    );
    // A refused code keeps what was typed, so a typo is fixed in place.
    expect(screen.getByTestId('forgot-new-password')).toHaveValue('Big Sky clinic 2027');
    await user.clear(screen.getByTestId('forgot-code'));
    await user.type(screen.getByTestId('forgot-code'), 'ABCD-EFGH-JKLM-NPQR{Enter}');
    expect(await screen.findByTestId('sign-in-org')).toHaveValue('MT0001');
    expect(api.resetPassword).toHaveBeenLastCalledWith({
      organizationCode: 'MT0001',
      username: 'mt.readonly',
      code: 'ABCD-EFGH-JKLM-NPQR',
      newPassword: 'Big Sky clinic 2027',
      confirmPassword: 'Big Sky clinic 2027',
    });
    expect(screen.getByText(/password was changed/)).toBeInTheDocument();
  });

  it('says to ask the help desk where no mail can leave the workstation', async () => {
    const { user } = start({ forgotPassword: () => fail({ code: 'mail_unavailable' }) });
    await user.click(await screen.findByTestId('forgot-password-link'));
    await user.type(screen.getByTestId('forgot-org'), 'MT0001');
    await user.type(screen.getByTestId('forgot-username'), 'mt.readonly');
    await user.type(screen.getByTestId('forgot-email'), 'a@b.org{Enter}');
    expect(await screen.findByTestId('forgot-error')).toHaveTextContent(/registry help desk/);
  });

  it('sends an expired temporary password to Forgot Password', async () => {
    const { user } = start({ signIn: () => fail({ code: 'temporary_password_expired' }) });
    await credentials(user);
    await user.keyboard('{Enter}');
    expect(await screen.findByTestId('forgot-reason')).toHaveTextContent(/expired/);
  });

  it('opens Forgot Password from the link and shows field errors', async () => {
    const { user } = start({
      forgotPassword: () =>
        fail({ code: 'validation', issues: [{ field: 'email', message: 'Enter an email.' }] }),
    });
    await user.click(await screen.findByTestId('forgot-password-link'));
    expect(screen.getByTestId('forgot-org')).toHaveFocus();
    expect(screen.queryByTestId('forgot-reason')).not.toBeInTheDocument();
    await user.click(screen.getByTestId('forgot-submit'));
    await waitFor(() =>
      expect(screen.getByTestId('forgot-email')).toHaveAccessibleDescription('Enter an email.'),
    );
  });

  it('shows inactive accounts and ended access as messages on the sign-in screen', async () => {
    const { api, user } = start({ signIn: () => fail({ code: 'account_inactive' }) });
    await credentials(user);
    await user.keyboard('{Enter}');
    expect(await screen.findByTestId('sign-in-error')).toHaveTextContent(/inactive/);
    api.signIn.mockImplementation(() => fail({ code: 'access_ended' }));
    await user.type(screen.getByTestId('sign-in-password'), 'secret{Enter}');
    await waitFor(() => expect(screen.getByTestId('sign-in-error')).toHaveTextContent(/ended/));
  });

  it('forces a new password: rules shown before typing, mismatch reported on the confirmation', async () => {
    const { api, user } = start({
      signIn: () => ok(steps.changePassword),
      changeTemporaryPassword: () =>
        fail({
          code: 'validation',
          issues: [{ field: 'confirmPassword', message: 'The two passwords do not match.' }],
        }),
    });
    await credentials(user, 'ABCD-efgh-2345-JKLM');
    await user.keyboard('{Enter}');

    const rules = await screen.findByTestId('password-rules');
    for (const rule of RULES) expect(rules).toHaveTextContent(rule);
    const fresh = screen.getByTestId('new-password');
    expect(fresh).toHaveValue('');
    expect(fresh).toHaveFocus();
    expect(fresh).toHaveAccessibleDescription(expect.stringContaining('At least 12 characters'));

    await user.type(fresh, 'Glacier Park trail 2026');
    await user.type(screen.getByTestId('confirm-password'), 'Glacier Park trail 2027{Enter}');
    const confirm = screen.getByTestId('confirm-password');
    await waitFor(() => expect(confirm).toHaveAttribute('aria-invalid', 'true'));
    expect(confirm).toHaveAccessibleDescription('The two passwords do not match.');
    expect(confirm).toHaveFocus();
    expect(api.changeTemporaryPassword).toHaveBeenCalledWith({
      newPassword: 'Glacier Park trail 2026',
      confirmPassword: 'Glacier Park trail 2027',
    });

    api.changeTemporaryPassword.mockImplementation(() => ok(steps.confidentiality));
    await user.type(screen.getByTestId('new-password'), 'Glacier Park trail 2026');
    await user.type(screen.getByTestId('confirm-password'), 'Glacier Park trail 2026{Enter}');
    expect(await screen.findByTestId('confidentiality-statement')).toBeInTheDocument();
  });

  it('starts the session only after I Agree', async () => {
    const { api, user } = start({ signIn: () => ok(steps.confidentiality) });
    await credentials(user);
    await user.keyboard('{Enter}');

    expect(await screen.findByTestId('confidentiality-statement')).toHaveTextContent(STATEMENT);
    expect(screen.getByRole('heading', { name: 'Confidentiality statement' })).toHaveFocus();
    expect(screen.queryByTestId('menu-home')).not.toBeInTheDocument();
    expect(api.acceptConfidentiality).not.toHaveBeenCalled();

    await user.click(screen.getByTestId('agree'));
    expect(await screen.findByTestId('menu-home')).toBeInTheDocument();
    expect(api.acceptConfidentiality).toHaveBeenCalledTimes(1);
  });

  it('Cancel on the statement signs out and returns to the credentials', async () => {
    const { api, user } = start({ signIn: () => ok(steps.confidentiality) });
    await credentials(user);
    await user.keyboard('{Enter}');
    await user.click(await screen.findByTestId('disagree'));
    expect(await screen.findByTestId('sign-in-notice')).toHaveTextContent('not signed in');
    expect(api.signOut).toHaveBeenCalled();
    expect(screen.getByTestId('sign-in-org')).toHaveValue('MT0001');
  });

  it('lists the organizations on the portal and signs in to the one chosen', async () => {
    const organizations = [
      { code: 'TX0001', name: 'Lone Star Pediatrics', roleTitle: 'Full Access Provider' },
      { code: 'TX0002', name: 'Rio Grande Valley Family Clinic', roleTitle: 'Read-Only' },
    ];
    const rio = {
      ...provider,
      organizationCode: 'TX0002',
      organizationName: 'Rio Grande Valley Family Clinic',
      otherOrganizations: [organizations[0]!],
    };
    const { api, user } = start({
      signIn: () => ok(steps.confidentiality),
      acceptConfidentiality: () => ok({ step: 'choose_organization', organizations }),
      chooseOrganization: () => ok(rio),
    });
    await credentials(user);
    await user.keyboard('{Enter}');
    await user.click(await screen.findByTestId('agree'));

    const first = await screen.findByTestId('org-choice-TX0001');
    expect(first).toHaveFocus();
    const second = screen.getByTestId('org-choice-TX0002');
    expect(second).toHaveTextContent('Rio Grande Valley Family Clinic');
    expect(second).toHaveTextContent('Read-Only');
    await user.click(second);

    expect(await screen.findByTestId('menu-bar-organization')).toHaveTextContent(
      'Rio Grande Valley Family Clinic',
    );
    expect(api.chooseOrganization).toHaveBeenCalledWith({ organizationCode: 'TX0002' });

    // Switch back from the account menu.
    api.chooseOrganization.mockImplementation(() =>
      ok({ ...provider, otherOrganizations: [organizations[1]!] }),
    );
    await user.click(screen.getByTestId('account-menu'));
    await user.click(screen.getByTestId('menu-switch-org'));
    const choices = screen.getAllByRole('button', { name: /Org code/ });
    expect(choices).toHaveLength(1);
    await user.click(within(choices[0]!.closest('ul')!).getByTestId('org-choice-TX0001'));
    await waitFor(() =>
      expect(screen.getByTestId('menu-bar-organization')).toHaveTextContent('TX0001'),
    );
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Welcome');
  });
});
