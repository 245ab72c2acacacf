// The browser entry point: page-wide styles, then every element (each file registers its
// tag), then the app shell in index.html takes over.

import themeText from './styles/theme.css';
import './elements/tt-app.ts';
import './elements/tt-loading.ts';
import './elements/tt-index-page.ts';
import './elements/tt-timeline-page.ts';
import './elements/tt-timeline-canvas.ts';
import './elements/tt-span-details.ts';

const theme = new CSSStyleSheet();
theme.replaceSync(themeText);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, theme];
