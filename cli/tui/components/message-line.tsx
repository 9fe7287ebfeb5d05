import { Text } from 'ink';
import { Label } from './label';
import type { Message } from '../contexts/message';

const PREFIX: Record<Message['kind'], string> = { ok: 'Done: ', error: 'Error: ', info: '' };

/** The result of the last action, in words ("Done: …", "Error: …"). */
export function MessageLine({ message }: { message: Message | null }) {
  if (!message) return <Text> </Text>;
  return (
    <Label tone={message.kind === 'error' ? 'error' : message.kind === 'ok' ? 'ok' : undefined} wrap="truncate-end">
      {PREFIX[message.kind]}
      {message.text}
    </Label>
  );
}
