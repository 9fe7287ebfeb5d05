import { Box, Text } from 'ink';

/** Label: value lines, labels padded to one width. */
export function KeyValue({ pairs }: { pairs: readonly (readonly [string, string])[] }) {
  const width = Math.max(...pairs.map(([k]) => k.length)) + 1;
  return (
    <Box flexDirection="column">
      {pairs.map(([k, v]) => (
        <Text key={k} wrap="wrap">
          <Text bold>{`${k}:`.padEnd(width)}</Text> {v}
        </Text>
      ))}
    </Box>
  );
}
