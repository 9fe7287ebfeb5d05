import { Box, Text } from 'ink';
import { useScreenHelp } from '../contexts/help';
import type { ScreenProps } from './types';

/** Abandoned carts: state, email, age. Waits for the carts API (cart sweep issue). */
export function Carts({ width }: ScreenProps) {
  useScreenHelp([]);
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="wrap">Abandoned carts are not available from this engine yet: the cart sweep has no API methods so far.</Text>
    </Box>
  );
}
