// @ts-check
/**
 * What the host draws around the page frames, out of reach of any mini program code: the navigation
 * bar (title, colours, loading, back and home buttons) and the native tab bar.
 */

/**
 * @typedef {{route: string, title?: string, colors?: {frontColor?: string, backgroundColor?: string},
 *   loading?: boolean, homeHidden?: boolean}} ChromeState
 */

export class Chrome {
  /**
   * @param {HTMLElement} surface
   * @param {{onBack: () => void, onHome: () => void, onTab: (index: number) => void}} actions
   */
  constructor(surface, actions) {
    this.navbar = document.createElement('div');
    this.navbar.className = 'hutong-navbar';
    this.backButton = button('hutong-back', '‹', 'Back', actions.onBack);
    this.homeButton = button('hutong-home', '⌂', 'Home', actions.onHome);
    this.title = document.createElement('div');
    this.title.className = 'hutong-title';
    this.loading = document.createElement('span');
    this.loading.className = 'hutong-nav-loading';
    this.loading.setAttribute('aria-label', 'Loading');
    this.loading.hidden = true;
    const middle = document.createElement('div');
    middle.className = 'hutong-nav-middle';
    middle.append(this.loading, this.title);
    this.navbar.append(this.backButton, this.homeButton, middle);
    this.frames = document.createElement('div');
    this.frames.className = 'hutong-frames';
    this.tabBar = document.createElement('nav');
    this.tabBar.className = 'hutong-tabbar';
    this.tabBar.hidden = true;
    this.onTab = actions.onTab;
    /** @type {Record<number, {badge?: string, dot?: boolean, text?: string, iconPath?: string, selectedIconPath?: string}>} */
    this.tabOverrides = {};
    this.tabBarHiddenByApi = false;
    /** @type {Record<string, any>} */
    this.tabStyle = {};
    /** The app's images by package path (host/miniprogram.js), for the tab icons. @type {Record<string, string>} */
    this.assetUrls = {};
    surface.classList.add('hutong-surface');
    surface.replaceChildren(this.navbar, this.frames, this.tabBar);
  }

  /**
   * Draw the chrome for the top page.
   * @param {Record<string, any>} config the app config
   * @param {ChromeState} top
   * @param {{depth: number, isHome: boolean}} stack
   */
  update(config, top, stack) {
    const window = { ...config.window, ...(config.pageConfigs?.[top.route]?.window || {}) };
    const custom = window.navigationStyle === 'custom';
    this.navbar.hidden = custom;
    this.title.textContent = top.title ?? window.navigationBarTitleText ?? '';
    const background = top.colors?.backgroundColor || window.navigationBarBackgroundColor || '#000000';
    const front = top.colors?.frontColor || (window.navigationBarTextStyle === 'black' ? '#000000' : '#ffffff');
    this.navbar.style.background = background;
    this.navbar.style.color = front;
    this.loading.hidden = !top.loading;
    this.backButton.hidden = stack.depth < 2;
    this.homeButton.hidden = stack.depth >= 2 || stack.isHome || Boolean(top.homeHidden) || window.homeButton === false;
    this.drawTabBar(config, top.route);
  }

  /** @param {Record<string, any>} config @param {string} route */
  drawTabBar(config, route) {
    const tabBar = config.tabBar;
    const list = tabBar && Array.isArray(tabBar.list) ? tabBar.list : [];
    const index = list.findIndex((/** @type {any} */ item) => String(item.pagePath).replace(/^\//, '') === route);
    if (!tabBar || tabBar.custom || index < 0 || this.tabBarHiddenByApi) {
      this.tabBar.hidden = true;
      return;
    }
    const style = { ...tabBar, ...this.tabStyle };
    this.tabBar.hidden = false;
    this.tabBar.classList.toggle('top', style.position === 'top');
    this.tabBar.style.background = style.backgroundColor || '#ffffff';
    this.tabBar.style.borderTopColor = style.borderStyle === 'white' ? '#eeeeee' : 'rgba(0,0,0,0.2)';
    const top = style.position === 'top';
    this.tabBar.replaceChildren(
      ...list.map((/** @type {any} */ item, /** @type {number} */ i) => {
        const override = this.tabOverrides[i] || {};
        const selected = i === index;
        const tab = document.createElement('button');
        tab.className = 'hutong-tab';
        tab.setAttribute('role', 'tab');
        tab.setAttribute('aria-selected', String(selected));
        tab.style.color = selected ? style.selectedColor || '#07c160' : style.color || '#7a7e83';
        // As WeChat draws it: the selected icon when selected (the plain one if none), none at the top.
        const iconPath = selected ? override.selectedIconPath || item.selectedIconPath || override.iconPath || item.iconPath : override.iconPath || item.iconPath;
        const iconUrl = top ? undefined : this.assetUrl(iconPath);
        const text = String(override.text ?? item.text ?? '');
        // The badge and the red dot sit over the icon's top right corner (over the text without one).
        const anchor = document.createElement('span');
        anchor.className = 'hutong-tab-anchor';
        const label = document.createElement('span');
        label.className = 'hutong-tab-text';
        label.textContent = text;
        if (iconUrl) {
          tab.classList.add('with-icon');
          const icon = document.createElement('img');
          icon.className = 'hutong-tab-icon';
          icon.alt = '';
          icon.src = iconUrl;
          anchor.appendChild(icon);
          tab.appendChild(anchor);
          if (text) tab.appendChild(label);
          else tab.setAttribute('aria-label', String(item.pagePath));
        } else {
          anchor.appendChild(label);
          tab.appendChild(anchor);
        }
        if (override.badge) {
          const badge = document.createElement('span');
          badge.className = 'hutong-tab-badge';
          badge.textContent = override.badge;
          anchor.appendChild(badge);
        } else if (override.dot) {
          const dot = document.createElement('span');
          dot.className = 'hutong-tab-dot';
          anchor.appendChild(dot);
        }
        tab.addEventListener('click', () => this.onTab(i));
        return tab;
      }),
    );
  }

  /**
   * The URL of a package image named as app.json or setTabBarItem names it (`/images/a.png`,
   * `images/a.png`, `./images/a.png`); undefined for anything else (WeChat takes no network icons here).
   * @param {unknown} path
   */
  assetUrl(path) {
    if (typeof path !== 'string' || !path) return undefined;
    const key = path.replace(/^(\.\/|\/)+/, '');
    return Object.hasOwn(this.assetUrls, key) ? this.assetUrls[key] : undefined;
  }
}

/** @param {string} className @param {string} text @param {string} label @param {() => void} onClick */
function button(className, text, label, onClick) {
  const el = document.createElement('button');
  el.className = className;
  el.textContent = text;
  el.setAttribute('aria-label', label);
  el.addEventListener('click', onClick);
  return el;
}
