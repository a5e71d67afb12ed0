import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { i18n } from '$lib/i18n';
import App from './App.svelte';
import { clientRecord, fail, fakeApi, ok, provider, steps, summary } from './test/fakeApi';

describe('App', () => {
  it('signs in, agrees, searches, opens the only match and goes back to the results', async () => {
    i18n.set('en');
    const api = fakeApi({
      signIn: () => ok(steps.confidentiality),
      searchClients: () => ok({ clients: [summary()], truncated: false, limit: 100 }),
      getClient: () => ok(clientRecord()),
    });
    render(App, { props: { api } });
    const user = userEvent.setup();

    await user.type(await screen.findByTestId('sign-in-org'), 'TX0001');
    await user.type(screen.getByTestId('sign-in-username'), 'tx.provider');
    await user.type(screen.getByTestId('sign-in-password'), 'secret{Enter}');

    await user.click(await screen.findByTestId('agree'));
    expect(await screen.findByTestId('menu-bar-user')).toHaveTextContent('Dana Provider');
    expect(screen.getByTestId('menu-bar-organization')).toHaveTextContent('Lone Star Pediatrics');
    expect(screen.getByTestId('menu-bar-organization')).toHaveTextContent('TX0001');

    await user.click(screen.getByTestId('menu-search'));
    await user.type(screen.getByTestId('search-last-name'), 'Martinez{Enter}');
    expect(await screen.findByTestId('client-name')).toHaveTextContent('Sofia Ana Martinez');
    expect(await screen.findByTestId('immunization-table')).toBeInTheDocument();

    await user.click(screen.getByTestId('back-to-results'));
    expect(screen.getByTestId('search-last-name')).toHaveValue('Martinez');
    expect(screen.getAllByTestId('search-result-row')).toHaveLength(1);
    // The first test renders every screen for the first time: slow on a loaded machine.
  }, 20_000);

  it('returns to sign-in with a notice when the session is gone', async () => {
    const api = fakeApi({
      currentUser: () => ok(provider),
      searchClients: () => fail({ code: 'not_signed_in' }),
    });
    render(App, { props: { api } });
    const user = userEvent.setup();

    await user.click(await screen.findByTestId('menu-search'));
    await user.type(screen.getByTestId('search-last-name'), 'Martinez{Enter}');

    expect(await screen.findByTestId('sign-in-notice')).toHaveTextContent(
      'Your session timed out. Sign in again.',
    );
    expect(screen.getByTestId('sign-in-org')).toBeInTheDocument();
    expect(screen.queryByTestId('menu-search')).not.toBeInTheDocument();
  });

  it('signs out, dropping the search results', async () => {
    const api = fakeApi({
      currentUser: () => ok(provider),
      searchClients: () =>
        ok({ clients: [summary(), summary({ id: 'c-2' })], truncated: false, limit: 100 }),
    });
    render(App, { props: { api } });
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('menu-search'));
    await user.type(screen.getByTestId('search-last-name'), 'Martinez{Enter}');
    await screen.findAllByTestId('search-result-row');

    await user.click(screen.getByTestId('sign-out'));
    await waitFor(() => expect(api.signOut).toHaveBeenCalled());
    expect(await screen.findByTestId('sign-in-org')).toBeInTheDocument();
    // Sign in again (as the same user): the earlier results are gone.
    api.signIn.mockImplementation(() => ok(steps.signedIn()));
    await user.type(screen.getByTestId('sign-in-username'), 'tx.provider');
    await user.type(screen.getByTestId('sign-in-password'), 'secret{Enter}');
    await user.click(await screen.findByTestId('menu-search'));
    expect(screen.getByTestId('search-last-name')).toHaveValue('');
    expect(screen.queryByTestId('search-result-row')).not.toBeInTheDocument();
  });
});
