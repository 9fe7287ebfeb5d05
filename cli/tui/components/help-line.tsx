import { Text } from 'ink';
import { GLOBAL_HELP, fitHelpItems, helpItems, type Command } from '../keys';

/**
 * The keys of the current screen, then the global ones, generated from the key-binding table.
 * Given the terminal's `width`, the line is fitted to one line of it (see fitHelpItems); without
 * one (inside a form's box) it wraps.
 */
export function HelpLine({ commands, global = true, width }: { commands: readonly Command[]; global?: boolean; width?: number }) {
  const wanted = global ? [...commands, ...GLOBAL_HELP] : commands;
  const items = width === undefined ? helpItems(wanted) : fitHelpItems(wanted, width);
  return (
    <Text wrap={width === undefined ? 'wrap' : 'truncate-end'}>
      {items.map((item, i) => (
        <Text key={item.label + item.description}>
          {i ? '  ' : ''}
          <Text bold>{item.label}</Text> {item.description}
        </Text>
      ))}
    </Text>
  );
}
