import { screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { Api } from '$lib/api';
import { i18n } from '$lib/i18n';
import { fail, fakeApi, myAccount, provider, RULES } from '../../../test/fakeApi';
import { renderWithServices } from '../../../test/render';
import MenuBar from '../app/MenuBar.svelte';
import MyAccountScreen from './MyAccountScreen.svelte';

function setup(overrides: Partial<Api> = {}) {
  const api = fakeApi(overrides);
  const rendered = renderWithServices(MyAccountScreen, {
    api,
    user: provider,
    route: { name: 'myAccount' },
  });
  return { ...rendered, api, user: userEvent.setup() };
}

describe('MyAccountScreen', () => {
  it('shows the account and saves changes, normalized by Rust', async () => {
    const { api, user } = setup();
    const email = await screen.findByDisplayValue(myAccount.email);
    expect(screen.getByTestId('account-first-name')).toHaveValue('Dana');
    await user.clear(email);
    await user.type(email, 'dana.p@example.invalid');
    await user.type(screen.getByTestId('account-phone'), '(406) 444 4444');
    api.updateMyAccount.mockImplementation((r) =>
      Promise.resolve({ status: 'ok', data: { ...myAccount, ...r, phone: '406-444-4444' } }),
    );
    await user.click(screen.getByTestId('account-save'));

    expect(await screen.findByTestId('account-saved')).toHaveTextContent('saved');
    expect(api.updateMyAccount).toHaveBeenCalledWith({
      firstName: 'Dana',
      lastName: 'Provider',
      email: 'dana.p@example.invalid',
      phone: '(406) 444 4444',
    });
    expect(screen.getByTestId('account-phone')).toHaveValue('406-444-4444');
  });

  it('says which Shotbook, which registry and data folder, and whom to call', async () => {
    setup();
    const about = screen.getByTestId('account-about');
    expect(about).toHaveTextContent('Shotbook 0.1.0');
    expect(screen.getByTestId('about-database')).toHaveTextContent('Demo registry');
    expect(screen.queryByTestId('about-folder')).not.toBeInTheDocument();
    expect(screen.getByTestId('about-help-desk')).toHaveTextContent(
      'ImmTrac2 help desk: 800-348-9158',
    );
  });

  it('names the database file and its folder on a real registry, in Spanish too', async () => {
    const { services } = setup();
    services.session.appInfo = {
      version: '0.1.0',
      demo: false,
      workstation: 'FRONT-DESK-1',
      databasePath: '/home/nurse/.local/share/shotbook/registry.sqlite',
      idleSeconds: 900,
    };
    i18n.set('es');
    expect(await screen.findByTestId('about-folder')).toHaveTextContent(
      '/home/nurse/.local/share/shotbook',
    );
    expect(screen.getByTestId('about-database')).toHaveTextContent('registry.sqlite');
    expect(screen.getByTestId('about-help-desk')).toHaveTextContent(
      'Mesa de ayuda de ImmTrac2: 800-348-9158',
    );
  });

  it('shows validation errors next to their fields', async () => {
    const { user } = setup({
      updateMyAccount: () =>
        fail({
          code: 'validation',
          issues: [
            { field: 'email', message: 'Enter a valid email address.' },
            { field: 'phone', message: 'Enter a 10-digit US phone number.' },
          ],
        }),
    });
    await screen.findByDisplayValue(myAccount.email);
    await user.click(screen.getByTestId('account-save'));
    const email = screen.getByTestId('account-email');
    await waitFor(() => expect(email).toHaveAttribute('aria-invalid', 'true'));
    expect(email).toHaveAccessibleDescription('Enter a valid email address.');
    expect(email).toHaveFocus();
    expect(screen.getByTestId('account-phone')).toHaveAccessibleDescription(
      expect.stringContaining('Enter a 10-digit US phone number.'),
    );
    expect(screen.queryByTestId('account-saved')).not.toBeInTheDocument();
  });

  it('changes the password with the rules shown first', async () => {
    const { api, user } = setup({
      changePassword: () =>
        fail({
          code: 'validation',
          issues: [{ field: 'currentPassword', message: 'The current password is not correct.' }],
        }),
    });
    const rules = await screen.findByTestId('password-rules');
    for (const rule of RULES) expect(rules).toHaveTextContent(rule);
    await user.type(screen.getByTestId('current-password'), 'nope');
    await user.type(screen.getByTestId('new-password'), 'Glacier Park trail 2026');
    await user.type(screen.getByTestId('confirm-password'), 'Glacier Park trail 2026{Enter}');
    const current = screen.getByTestId('current-password');
    await waitFor(() =>
      expect(current).toHaveAccessibleDescription('The current password is not correct.'),
    );
    expect(current).toHaveFocus();
    expect(current).toHaveValue('');

    api.changePassword.mockImplementation(() => Promise.resolve({ status: 'ok', data: null }));
    await user.type(current, 'Shotbook-Demo-2026');
    await user.type(screen.getByTestId('new-password'), 'Glacier Park trail 2026');
    await user.type(screen.getByTestId('confirm-password'), 'Glacier Park trail 2026{Enter}');
    expect(await screen.findByTestId('password-changed')).toBeInTheDocument();
    expect(api.changePassword).toHaveBeenLastCalledWith({
      currentPassword: 'Shotbook-Demo-2026',
      newPassword: 'Glacier Park trail 2026',
      confirmPassword: 'Glacier Park trail 2026',
    });
    expect(screen.getByTestId('new-password')).toHaveValue('');
  });
});

describe('account menu', () => {
  it('opens with the keyboard and hides Switch organization when there is none', async () => {
    const { services } = renderWithServices(MenuBar, { user: provider });
    const user = userEvent.setup();
    const button = screen.getByTestId('account-menu');
    button.focus();
    await user.keyboard('{ArrowDown}');
    expect(screen.getByTestId('menu-my-account')).toHaveFocus();
    expect(screen.queryByTestId('menu-switch-org')).not.toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).not.toBeInTheDocument();
    expect(button).toHaveFocus();
    await user.keyboard('{Enter}');
    await user.keyboard('{Enter}');
    expect(services.router.route).toEqual({ name: 'myAccount' });
  });

  it('offers Switch organization to a user of several organizations', async () => {
    renderWithServices(MenuBar, {
      user: {
        ...provider,
        otherOrganizations: [{ code: 'TX0002', name: 'Rio Grande', roleTitle: 'Read-Only' }],
      },
    });
    const user = userEvent.setup();
    await user.click(screen.getByTestId('account-menu'));
    expect(screen.getByTestId('menu-switch-org')).toBeInTheDocument();
  });
});
