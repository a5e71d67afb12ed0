import { render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { i18n } from '$lib/i18n';
import { summary } from '../../../test/fakeApi';
import SearchResults from './SearchResults.svelte';

describe('SearchResults', () => {
  afterEach(() => i18n.set('en'));

  it("explains a Smart-search score in the user's language, keeping unknown reasons as written", () => {
    i18n.set('es');
    render(SearchResults, {
      props: {
        clients: [summary({ id: 'a' })],
        matches: {
          a: {
            score: 15,
            likely: true,
            reasons: ['DOB exact', 'surname sounds alike', 'new rule'],
          },
        },
        onopen: () => {},
      },
    });
    expect(screen.getByTestId('search-result-reasons')).toHaveTextContent(
      'fecha de nacimiento exacta, el apellido suena igual, new rule',
    );
    expect(screen.getByTestId('search-result-score')).toHaveTextContent('15.0');
  });
});
