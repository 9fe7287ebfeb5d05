import { Text } from 'ink';

/** What a screen shows before its data arrives: the API's error when the call failed, else "Loading…". */
export function NotLoaded({ error }: { error: string | null }) {
  return <Text>{error ? `Error: ${error}` : 'Loading…'}</Text>;
}
