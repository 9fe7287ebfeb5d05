import { ApiError } from '../../../core/api/errors';
import { Form } from '../components/form';
import { useClient } from '../contexts/engine';
import { useMessageActions } from '../contexts/message';

const KINDS = ['orders', 'stock', 'ledger', 'carts', 'all'] as const;
const kindOf = (text: string) => KINDS.find((k) => k === text.trim().toLowerCase());

/**
 * Export to CSV (`backroom export`) through the API's export.write: what, where (an absolute path;
 * a folder for everything) and an optional range. The API checks the path, the range and that no
 * file is overwritten; its message shows in the form.
 */
export function StockExport({ onDone }: { onDone(): void }) {
  const client = useClient();
  const message = useMessageActions();
  return (
    <Form
      title="Export to CSV"
      note="orders, stock, ledger or carts to a file; all to a folder. An existing file is never overwritten."
      fields={[
        { name: 'what', label: 'What', value: 'orders', hint: KINDS.join(', ') },
        { name: 'out', label: 'File', hint: 'absolute path, e.g. /home/me/orders.csv' },
        { name: 'from', label: 'From', hint: 'YYYY-MM-DD, empty = from the start' },
        { name: 'to', label: 'To', hint: 'YYYY-MM-DD, empty = until now' },
      ]}
      onSubmit={async (v) => {
        const what = kindOf(v.what ?? '');
        if (!what) throw new ApiError('bad-input', `must be one of ${KINDS.join(', ')}`, 'what');
        const from = v.from?.trim();
        const to = v.to?.trim();
        const result = await client.call('export.write', { what, out: (v.out ?? '').trim(), ...(from ? { from } : {}), ...(to ? { to } : {}) });
        message.ok(result.files.map((f) => `Wrote ${f.rows} row${f.rows === 1 ? '' : 's'} to ${f.path}`).join('; ') + '.');
        onDone();
      }}
      onCancel={onDone}
    />
  );
}
