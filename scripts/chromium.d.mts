export declare const chromiumPath: string;
export declare function chromiumAvailable(): boolean;
export declare function chromiumArgs(options?: {
  mediaPermission?: 'allow' | 'deny';
  camera?: 'present' | 'missing';
}): string[];
