// JupyterLab 4 MIME extension: renderers for gophys latent tables and training
// progress. The kernel always sends text/html and text/plain next to these
// MIME types, so notebooks render without the extension too.

import { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { LatentsRenderer } from './latents';
import { MIME_LATENTS, MIME_PROGRESS } from './mime';
import { ProgressRenderer } from './progress';

const extensions: IRenderMime.IExtension[] = [
  {
    id: '@gophys/labext:latents',
    rendererFactory: {
      safe: true,
      mimeTypes: [MIME_LATENTS],
      createRenderer: options => new LatentsRenderer(options)
    },
    // Rank below the default (100) so Lab prefers us over the text/html fallback.
    rank: 0,
    dataType: 'json'
  },
  {
    id: '@gophys/labext:progress',
    rendererFactory: {
      safe: true,
      mimeTypes: [MIME_PROGRESS],
      createRenderer: options => new ProgressRenderer(options)
    },
    rank: 0,
    dataType: 'json'
  }
];

export default extensions;
