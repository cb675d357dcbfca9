import { TableProfile, type ToolchainProfile } from './profile.js';
import { TABLE as ARM_GCC12 } from './profiles/arm-gcc12.js';

/** The built-in profile for an architecture (Debian's cross gcc 12.2), or undefined. */
export function profileFor(arch: string): ToolchainProfile | undefined {
  if (arch === 'arm') return new TableProfile('arm-linux-gnueabihf-gcc 12.2', 'arm-linux-gnueabihf-', 'gcc', ARM_GCC12);
  return undefined;
}
