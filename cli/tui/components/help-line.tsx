import { Text } from 'ink';
import { GLOBAL_HELP, helpItems, type Command } from '../keys';

/** The keys of the current screen, then the global ones, generated from the key-binding table. */
export function HelpLine({ commands, global = true }: { commands: readonly Command[]; global?: boolean }) {
  const items = helpItems(global ? [...commands, ...GLOBAL_HELP] : commands);
  return (
    <Text wrap="wrap">
      {items.map((item, i) => (
        <Text key={item.label + item.description}>
          {i ? '  ' : ''}
          <Text bold>{item.label}</Text> {item.description}
        </Text>
      ))}
    </Text>
  );
}
