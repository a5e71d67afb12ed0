import { screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fail, fakeApi, ok, provider, steps } from '../../../test/fakeApi';
import { renderWithServices } from '../../../test/render';
import SignInScreen from './SignInScreen.svelte';

async function fill(org: string, username: string, password: string) {
  const user = userEvent.setup();
  await user.type(screen.getByLabelText('Organization code'), org);
  await user.type(screen.getByLabelText('Username'), username);
  await user.type(screen.getByLabelText('Password'), password);
  return user;
}

describe('SignInScreen', () => {
  it('focuses the organization code and shows the demo notice and version', () => {
    renderWithServices(SignInScreen);
    expect(screen.getByTestId('sign-in-org')).toHaveFocus();
    expect(screen.getByTestId('demo-notice')).toHaveTextContent(
      'Demo registry — synthetic data only',
    );
    expect(screen.getByTestId('app-version')).toHaveTextContent('Version 0.1.0');
  });

  it('submits on Enter and goes home when the credentials are right', async () => {
    const api = fakeApi({ signIn: () => ok(steps.signedIn()) });
    const { services } = renderWithServices(SignInScreen, { api });
    const user = await fill('TX0001', 'tx.provider', 'secret-pass');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(services.router.route).toEqual({ name: 'home' }));
    expect(services.session.user).toEqual(provider);
  });

  it('sends exactly what was typed', async () => {
    const api = fakeApi();
    renderWithServices(SignInScreen, { api });
    const user = await fill('TX0001', 'tx.provider', 'secret-pass');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(api.signIn).toHaveBeenCalledTimes(1));
    expect(api.signIn).toHaveBeenCalledWith({
      organizationCode: 'TX0001',
      username: 'tx.provider',
      password: 'secret-pass',
      captcha: null,
      remember: false,
    });
  });

  it('shows one alert for wrong credentials, keeps org code and username, clears password', async () => {
    renderWithServices(SignInScreen, { api: fakeApi() });
    const user = await fill('TX0001', 'tx.provider', 'wrong-password');
    await user.click(screen.getByTestId('sign-in-submit'));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The organization code, username or password is not correct.');
    expect(screen.getByTestId('sign-in-org')).toHaveValue('TX0001');
    expect(screen.getByTestId('sign-in-username')).toHaveValue('tx.provider');
    expect(screen.getByTestId('sign-in-password')).toHaveValue('');
    expect(screen.getByTestId('sign-in-password')).toHaveFocus();
  });

  it('shows validation issues next to their fields', async () => {
    const api = fakeApi({
      signIn: () =>
        fail({
          code: 'validation',
          issues: [
            { field: 'organizationCode', message: 'Enter your organization code.' },
            { field: 'password', message: 'Enter your password.' },
          ],
        }),
    });
    renderWithServices(SignInScreen, { api });
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Username'), 'tx.provider{Enter}');

    const org = screen.getByTestId('sign-in-org');
    await waitFor(() => expect(org).toHaveAttribute('aria-invalid', 'true'));
    expect(org).toHaveAccessibleDescription('Enter your organization code.');
    expect(screen.getByTestId('sign-in-password')).toHaveAccessibleDescription(
      'Enter your password.',
    );
    expect(screen.getByTestId('sign-in-username')).not.toHaveAttribute('aria-invalid');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(org).toHaveFocus();
  });

  it('switches to Spanish', async () => {
    renderWithServices(SignInScreen);
    const user = userEvent.setup();
    await user.click(screen.getByTestId('locale-es'));
    expect(screen.getByLabelText('Código de organización')).toBeInTheDocument();
    expect(screen.getByTestId('sign-in-submit')).toHaveTextContent('Iniciar sesión');
    await user.click(screen.getByTestId('locale-en'));
  });

  it('pre-fills a remembered sign-in and sends "remember" when kept checked', async () => {
    const api = fakeApi({
      rememberedSignIn: () =>
        ok({ organizationCode: 'MT0001', username: 'mt.records', keyringAvailable: true }),
    });
    const { services } = renderWithServices(SignInScreen, { api });
    await services.session.start();
    await waitFor(() => expect(screen.getByTestId('sign-in-org')).toHaveValue('MT0001'));
    expect(screen.getByTestId('sign-in-username')).toHaveValue('mt.records');
    expect(screen.getByTestId('sign-in-remember')).toBeChecked();
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Password'), 'secret-pass{Enter}');
    await waitFor(() => expect(api.signIn).toHaveBeenCalledTimes(1));
    expect(api.signIn).toHaveBeenCalledWith(expect.objectContaining({ remember: true }));
  });

  it('explains and disables Remember me when the computer has no credential store', async () => {
    const api = fakeApi();
    const { services } = renderWithServices(SignInScreen, { api });
    await services.session.start();
    await waitFor(() => expect(screen.getByTestId('sign-in-remember')).toBeDisabled());
    expect(screen.getByTestId('remember-hint')).toHaveTextContent('no credential store');
  });
});
