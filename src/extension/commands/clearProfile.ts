import type { ProfileState } from '../profileState';

/** Clear Profile: removes CodeLens, line heat, Hot Functions and the profile view's content. */
export function clearProfileCommand(state: ProfileState): void {
  state.clear();
}
