import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import expressStaticGzip from 'express-static-gzip';

/**
 * The screens: the web app in `web/`, built by Vite into `web/dist`, served by the service at `/`
 * (the API stays under `/api`). Any other path that is not a file answers the app's page, so a
 * bookmarked screen opens; the app routes it. The server never imports the app's code.
 */
export const SCREENS_FOLDER = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** The app's page is asked again every time (it names the current assets); `/assets/…` never reaches here (screensAssets). */
const cacheHeaders = (res: { setHeader(name: string, value: string): void }): void => {
  res.setHeader('Cache-Control', 'no-cache');
};

/**
 * The screens' scripts and styles (`/assets/…`), in the compressed form the build wrote beside each
 * (brotli, else gzip, as the browser accepts), so no request spends the thread compressing; a
 * browser that takes neither gets the file as it is. The files are listed when the service starts (a
 * rebuild while it runs is sent uncompressed until the next start). Mounted by bootstrap.
 */
export const screensAssets = (folder = SCREENS_FOLDER) =>
  expressStaticGzip(`${folder}assets`, {
    enableBrotli: true,
    orderPreference: ['br', 'gzip'],
    index: false,
    // Vite names every asset by its content's hash: it never changes, so browsers may keep it for good.
    serveStatic: { immutable: true, maxAge: '1y', fallthrough: true },
  });

@Module({})
export class ScreensModule {
  static register(folder = SCREENS_FOLDER): DynamicModule {
    if (!existsSync(`${folder}index.html`)) {
      new Logger('Screens').warn(`the screens are not built (no ${folder}index.html): run npm run build:web`);
      return { module: ScreensModule };
    }
    return {
      module: ScreensModule,
      imports: [
        ServeStaticModule.forRoot({
          rootPath: folder,
          exclude: ['/api', '/api/{*path}'],
          serveStaticOptions: { index: false, setHeaders: cacheHeaders, fallthrough: true },
        }),
      ],
    };
  }
}
