import type { ExtensionServices } from '../services';

/** Clear Profile: removes CodeLens, line heat, Hot Functions and the profile view's content. */
export function clearProfileCommand(services: ExtensionServices): void {
  services.code.state.clear();
}
