import { screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { provider, stateStaff } from '../../../test/fakeApi';
import { renderWithServices } from '../../../test/render';
import MenuPanel from './MenuPanel.svelte';

describe('MenuPanel', () => {
  it('shows client search and the Admin Support tables to a provider', () => {
    renderWithServices(MenuPanel, { user: provider, route: { name: 'home' } });
    for (const id of [
      'menu-search',
      'menu-vaccines',
      'menu-trade-names',
      'menu-manufacturers',
      'menu-vaccine-groups',
    ]) {
      expect(screen.getByTestId(id)).toBeInTheDocument();
    }
    expect(screen.getByRole('heading', { name: 'Clients' })).toBeInTheDocument();
  });

  it('hides the client entries from a user without search_clients', () => {
    renderWithServices(MenuPanel, { user: stateStaff, route: { name: 'home' } });
    expect(screen.queryByTestId('menu-search')).not.toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Clients' })).not.toBeInTheDocument();
    expect(screen.getByTestId('menu-vaccines')).toBeInTheDocument();
  });

  it('hides Admin Support from a user without view_support_tables', () => {
    const user = { ...provider, permissions: ['search_clients', 'view_client'] };
    renderWithServices(MenuPanel, { user, route: { name: 'home' } });
    expect(screen.getByTestId('menu-search')).toBeInTheDocument();
    expect(screen.queryByTestId('menu-vaccines')).not.toBeInTheDocument();
  });

  it('navigates and marks the current entry', async () => {
    const { services } = renderWithServices(MenuPanel, { user: provider, route: { name: 'home' } });
    await userEvent.setup().click(screen.getByTestId('menu-trade-names'));
    expect(services.router.route).toEqual({ name: 'adminSupport', tab: 'tradeNames' });
    expect(screen.getByTestId('menu-trade-names')).toHaveAttribute('aria-current', 'page');
    expect(screen.getByTestId('menu-vaccines')).not.toHaveAttribute('aria-current');
  });
});
