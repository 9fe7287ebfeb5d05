/** What every screen gets from the app: the room it has, and whether it has the keyboard. */
export interface ScreenProps {
  width: number;
  height: number;
}
