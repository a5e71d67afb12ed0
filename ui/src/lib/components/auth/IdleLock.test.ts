import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchIdle } from '$lib/auth/idle';
import { i18n } from '$lib/i18n';
import App from '../../../App.svelte';
import { demoInfo, fail, fakeApi, ok, provider, summary } from '../../../test/fakeApi';

beforeEach(() => i18n.set('en'));

describe('watchIdle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fires once after the limit without activity, counting from the last activity', () => {
    const target = new EventTarget();
    const onIdle = vi.fn();
    const stop = watchIdle(target, 6000, onIdle);
    vi.advanceTimersByTime(4000);
    target.dispatchEvent(new Event('keydown'));
    vi.advanceTimersByTime(4000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(2000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    stop();
  });

  it('reports every activity to the caller', () => {
    const target = new EventTarget();
    const onActivity = vi.fn();
    const stop = watchIdle(target, 6000, vi.fn(), onActivity);
    target.dispatchEvent(new Event('pointerdown'));
    target.dispatchEvent(new Event('keydown'));
    expect(onActivity).toHaveBeenCalledTimes(2);
    stop();
  });

  it('stops watching', () => {
    const onIdle = vi.fn();
    const stop = watchIdle(new EventTarget(), 1000, onIdle);
    stop();
    vi.advanceTimersByTime(5000);
    expect(onIdle).not.toHaveBeenCalled();
  });
});

describe('idle lock', () => {
  it('locks on session_expired without unmounting the screen, and retries after unlock', async () => {
    let expired = true;
    const api = fakeApi({
      currentUser: () => ok(provider),
      searchClients: () =>
        expired
          ? fail({ code: 'session_expired', idleSeconds: 900 })
          : ok({ clients: [summary(), summary({ id: 'c-2' })], truncated: false, limit: 100 }),
      unlockSession: ({ password }) =>
        password === 'right'
          ? ok(null)
          : fail({
              code: 'validation',
              issues: [{ field: 'password', message: 'The password is not correct.' }],
            }),
    });
    render(App, { props: { api } });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('menu-search'));
    const lastName = screen.getByTestId('search-last-name');
    await user.type(lastName, 'Martinez');
    await user.type(screen.getByTestId('search-first-name'), 'So{Enter}');

    expect(await screen.findByTestId('lock-screen')).toBeInTheDocument();
    expect(screen.getByTestId('unlock-password')).toHaveFocus();
    // The screen underneath is still there, unreachable.
    expect(lastName).toBeInTheDocument();
    expect(lastName.closest('.frame')).toHaveProperty('inert', true);

    await user.type(screen.getByTestId('unlock-password'), 'wrong{Enter}');
    await waitFor(() =>
      expect(screen.getByTestId('unlock-password')).toHaveAccessibleDescription(
        'The password is not correct.',
      ),
    );
    expect(screen.getByTestId('lock-screen')).toBeInTheDocument();

    expired = false;
    await user.type(screen.getByTestId('unlock-password'), 'right{Enter}');
    await waitFor(() => expect(screen.queryByTestId('lock-screen')).not.toBeInTheDocument());
    expect(api.unlockSession).toHaveBeenLastCalledWith({ password: 'right' });
    expect(screen.getByTestId('search-last-name')).toBe(lastName);
    expect(lastName).toHaveValue('Martinez');
    expect(screen.getByTestId('search-first-name')).toHaveValue('So');
    expect(lastName.closest('.frame')).toHaveProperty('inert', false);
    // The search that met the lock ran again.
    expect(await screen.findAllByTestId('search-result-row')).toHaveLength(2);
  });

  it('locks on the client-side idle timer, keeping typed input', async () => {
    const api = fakeApi({
      appInfo: () => ok({ ...demoInfo, idleSeconds: 1 }),
      currentUser: () => ok(provider),
    });
    render(App, { props: { api } });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('menu-search'));
    await user.type(screen.getByTestId('search-last-name'), 'Garcia');

    expect(await screen.findByTestId('lock-screen', {}, { timeout: 3000 })).toBeInTheDocument();
    await user.type(screen.getByTestId('unlock-password'), 'secret');
    await user.click(screen.getByTestId('unlock-submit'));
    await waitFor(() => expect(screen.queryByTestId('lock-screen')).not.toBeInTheDocument());
    expect(screen.getByTestId('search-last-name')).toHaveValue('Garcia');
  });

  it('goes to sign-in when the account is locked while unlocking', async () => {
    const api = fakeApi({
      currentUser: () => ok(provider),
      searchClients: () => fail({ code: 'session_expired', idleSeconds: 900 }),
      unlockSession: () => fail({ code: 'account_locked' }),
    });
    render(App, { props: { api } });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('menu-search'));
    await user.type(screen.getByTestId('search-last-name'), 'Martinez{Enter}');
    await user.type(await screen.findByTestId('unlock-password'), 'wrong{Enter}');

    expect(await screen.findByTestId('sign-in-notice')).toHaveTextContent(/locked/);
    expect(screen.queryByTestId('lock-screen')).not.toBeInTheDocument();
    // Signing in again starts from an empty search: the waiting search did not leave an error.
    await new Promise((resolve) => setTimeout(resolve, 10));
    api.signIn.mockImplementation(() => ok({ step: 'signed_in', user: provider }));
    api.searchClients.mockImplementation(() => ok({ clients: [], truncated: false, limit: 100 }));
    await user.type(screen.getByTestId('sign-in-username'), 'tx.provider');
    await user.type(screen.getByTestId('sign-in-password'), 'secret{Enter}');
    await user.click(await screen.findByTestId('menu-search'));
    expect(screen.getByTestId('search-last-name')).toHaveValue('');
    expect(screen.queryByTestId('search-error')).not.toBeInTheDocument();
  });

  it('signs out from the lock screen', async () => {
    const api = fakeApi({
      currentUser: () => ok(provider),
      searchClients: () => fail({ code: 'session_expired', idleSeconds: 900 }),
    });
    render(App, { props: { api } });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('menu-search'));
    await user.type(screen.getByTestId('search-last-name'), 'Martinez{Enter}');
    await user.click(await screen.findByTestId('lock-sign-out'));
    expect(await screen.findByTestId('sign-in-notice')).toHaveTextContent('signed out');
    expect(api.signOut).toHaveBeenCalled();
  });
});

describe('keep-alive', () => {
  it('tells Rust about activity at most once a minute and locks if Rust says the session expired', async () => {
    let expired = false;
    const api = fakeApi({
      currentUser: () => ok(provider),
      keepAlive: () =>
        expired ? fail<null>({ code: 'session_expired', idleSeconds: 900 }) : ok(null),
    });
    render(App, { props: { api } });
    await screen.findByTestId('menu-search');
    const user = userEvent.setup();
    await user.keyboard('a');
    await user.keyboard('b');
    await waitFor(() => expect(api.keepAlive).toHaveBeenCalledTimes(1));
    expired = true;
    const now = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(now + 61_000);
    await user.keyboard('c');
    await waitFor(() => expect(api.keepAlive).toHaveBeenCalledTimes(2));
    await screen.findByTestId('lock-screen');
    vi.restoreAllMocks();
  });
});
