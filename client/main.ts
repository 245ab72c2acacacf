// The browser entry point: page-wide styles, then every element (each file registers its
// tag), then the app shell in index.html takes over.

import themeText from './styles/theme.css';
import './elements/tt-app.ts';
import './elements/tt-loading.ts';
import './elements/tt-index-page.ts';
import './elements/tt-timeline-page.ts';
import './elements/tt-timeline-canvas.ts';
import './elements/tt-span-details.ts';
import './elements/tt-data-table.ts';
import './elements/tt-breakdown-bar.ts';
import './elements/tt-histogram.ts';
import './elements/tt-goroutines-page.ts';
import './elements/tt-goroutine-group-page.ts';
import './elements/tt-goroutine-page.ts';
import './elements/tt-flame-graph.ts';
import './elements/tt-profile-page.ts';
import './elements/tt-tasks-page.ts';
import './elements/tt-regions-page.ts';
import './elements/tt-mmu-page.ts';

const theme = new CSSStyleSheet();
theme.replaceSync(themeText);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, theme];
