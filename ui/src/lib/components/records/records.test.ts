import { screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { parseClientIds } from '$lib/records/recordBatch.svelte';
import { clientRecord, fail, fakeApi, ok, provider, verification } from '../../../test/fakeApi';
import { renderWithServices } from '../../../test/render';
import ClientRecordScreen from '../clients/ClientRecordScreen.svelte';
import PrintBatchScreen from './PrintBatchScreen.svelte';
import VerifyRecordScreen from './VerifyRecordScreen.svelte';

function renderRecord(api = fakeApi({ getClient: () => ok(clientRecord()) })) {
  return renderWithServices(ClientRecordScreen, {
    api,
    user: provider,
    route: { name: 'clientRecord', clientId: 'c-1' },
    props: { clientId: 'c-1' },
  });
}

describe('Print record', () => {
  it('previews the record from its page plan and saves the same document as PDF', async () => {
    const user = userEvent.setup();
    const { api } = renderRecord();
    await user.click(await screen.findByTestId('print-record'));
    const preview = await screen.findByTestId('print-preview');
    expect(api.printRecord).toHaveBeenCalledWith({ clientId: 'c-1' });
    expect(within(preview).getByTestId('preview-client-name')).toHaveTextContent(
      'Martinez, Sofia Ana',
    );
    expect(within(preview).getAllByTestId('preview-row')[0]).toHaveTextContent('05/15/2019');
    expect(within(preview).getByText('Page 1 of 1')).toBeInTheDocument();
    expect(within(preview).getByTestId('demo-key-notice')).toBeInTheDocument();

    await user.click(within(preview).getByTestId('save-pdf'));
    expect(api.saveRecordPdf).toHaveBeenCalledWith({ documentId: 'doc-1' });
    expect(await within(preview).findByTestId('print-notice')).toHaveTextContent(
      'Saved to /home/dana/Official-Immunization-Record-TX100001.pdf.',
    );
  });

  it('says plainly that no printer is configured', async () => {
    const user = userEvent.setup();
    renderRecord();
    await user.click(await screen.findByTestId('print-record'));
    await user.click(await screen.findByTestId('send-to-printer'));
    expect(await screen.findByTestId('print-error')).toHaveTextContent(
      'No printer is configured on this computer',
    );
  });

  it('shows why a record cannot be printed, without opening a preview', async () => {
    const user = userEvent.setup();
    renderRecord(
      fakeApi({
        getClient: () => ok(clientRecord()),
        printRecord: () =>
          fail({ code: 'printer_unavailable', reason: 'no_signing_key', detail: 'no key' }),
      }),
    );
    await user.click(await screen.findByTestId('print-record'));
    expect(await screen.findByTestId('print-error')).toHaveTextContent(
      'record-signing key is not configured',
    );
    expect(screen.queryByTestId('print-preview')).toBeNull();
  });

  it('is not offered to a role without the print permission', async () => {
    renderWithServices(ClientRecordScreen, {
      api: fakeApi({ getClient: () => ok(clientRecord()) }),
      user: { ...provider, permissions: ['search_clients', 'view_client'] },
      route: { name: 'clientRecord', clientId: 'c-1' },
      props: { clientId: 'c-1' },
    });
    await screen.findByTestId('client-name');
    expect(screen.queryByTestId('print-record')).toBeNull();
  });
});

describe('Verify a record', () => {
  it('checks pasted QR text and lists the signed facts', async () => {
    const user = userEvent.setup();
    const { api } = renderWithServices(VerifyRecordScreen, { user: provider });
    await user.type(screen.getByTestId('verify-payload'), 'SHOTBOOK-OIR1:abc');
    await user.click(screen.getByTestId('verify-submit'));
    expect(api.verifyRecord).toHaveBeenCalledWith({ payload: 'SHOTBOOK-OIR1:abc' });
    const result = await screen.findByTestId('verify-result');
    expect(result).toHaveAttribute('data-valid', 'true');
    expect(screen.getByTestId('verify-facts')).toHaveTextContent('05/15/2019 CVX 110');
  });

  it('says why a record is not valid and shows no facts', async () => {
    const user = userEvent.setup();
    renderWithServices(VerifyRecordScreen, {
      user: provider,
      api: fakeApi({
        verifyRecord: () =>
          ok(verification({ valid: false, reason: 'the signature does not match', statement: [] })),
      }),
    });
    await user.type(screen.getByTestId('verify-payload'), 'SHOTBOOK-OIR1:abd');
    await user.click(screen.getByTestId('verify-submit'));
    expect(await screen.findByTestId('verify-reason')).toHaveTextContent(
      'the signature does not match',
    );
    expect(screen.queryByTestId('verify-facts')).toBeNull();
  });

  it('asks for the text before checking', async () => {
    const user = userEvent.setup();
    const { api } = renderWithServices(VerifyRecordScreen, { user: provider });
    await user.click(screen.getByTestId('verify-submit'));
    expect(await screen.findByTestId('verify-error')).toHaveTextContent('Paste the text');
    expect(api.verifyRecord).not.toHaveBeenCalled();
  });
});

describe('Print records (batch)', () => {
  it('reads client IDs one per line or separated by commas, without repeats', () => {
    expect(parseClientIds('9000000001\n9000000002, 9000000003;9000000001\n\n')).toEqual([
      '9000000001',
      '9000000002',
      '9000000003',
    ]);
  });

  it('prints client by client into the chosen folder and reports progress and failures', async () => {
    const user = userEvent.setup();
    const { api } = renderWithServices(PrintBatchScreen, {
      user: provider,
      api: fakeApi({
        printRecordToBatchFolder: ({ client }) =>
          client === 'nobody'
            ? fail({
                code: 'validation',
                issues: [{ field: 'client', message: 'No client has the ID nobody.' }],
              })
            : ok({ fileName: `${client}.pdf`, pages: 1 }),
      }),
    });
    await user.type(
      screen.getByTestId('batch-clients'),
      '9000000001{enter}nobody{enter}9000000003',
    );
    await user.click(screen.getByTestId('batch-folder'));
    expect(await screen.findByTestId('batch-folder-path')).toHaveTextContent('/home/dana/records');
    await user.click(screen.getByTestId('batch-run'));
    await waitFor(() =>
      expect(screen.getByTestId('batch-progress')).toHaveTextContent('3 of 3 done, 2 printed'),
    );
    expect(api.printRecordToBatchFolder).toHaveBeenCalledTimes(3);
    expect(screen.getByTestId('batch-failures')).toHaveTextContent('No client has the ID nobody.');
  });
});
