/** The flags every command takes, and the deploy command's own (parsed by main.ts, read by commands.ts). */
export interface GlobalFlags {
  config?: string;
  json: boolean;
  lang?: string;
  verbose?: boolean;
}

export interface DeployFlags {
  acceptRisk?: string[];
  forceUnlock: boolean;
  image?: string;
  allowUnverified: boolean;
  watch?: string;
  report?: string;
}
