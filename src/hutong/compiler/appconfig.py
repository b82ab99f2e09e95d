"""app-config.json: what the runtime needs from app.json, page and component configs, resolved.

Page windows are app.json's ``window`` overridden by the page json's top-level keys, as in WeChat.
With a theme.json, every ``@name`` value is resolved once per theme: the top level holds the light
values and ``themes`` holds both, so the host can switch without the compiler.
"""

from __future__ import annotations

from typing import Any

from hutong.compiler.components import CUSTOM_TAB_BAR
from hutong.compiler.jsonfile import JsonFile, Key
from hutong.compiler.project import Project

WINDOW_DEFAULTS: dict[str, Any] = {
    "navigationBarBackgroundColor": "#000000",
    "navigationBarTextStyle": "white",
    "navigationBarTitleText": "",
    "navigationStyle": "default",
    "backgroundColor": "#ffffff",
    "backgroundTextStyle": "dark",
    "enablePullDownRefresh": False,
    "onReachBottomDistance": 50,
}
NETWORK_TIMEOUT_DEFAULTS = {
    "request": 60000,
    "connectSocket": 60000,
    "uploadFile": 60000,
    "downloadFile": 60000,
}
# Page json keys that configure the page rather than its window.
_PAGE_KEYS = frozenset(
    {"usingComponents", "componentPlaceholder", "component", "styleIsolation", "componentGenerics"}
)
# app.json fields the config below carries in its own shape.
_SHAPED = frozenset(
    {"pages", "window", "tabBar", "networkTimeout", "subpackages", "subPackages", "usingComponents"}
)


def _themed(value: Any, variables: dict[str, Any], file: JsonFile, path: tuple[Key, ...]) -> Any:
    """``value`` with each "@name" string replaced by the theme's variable."""
    if isinstance(value, str) and value.startswith("@"):
        name = value[1:]
        if name not in variables:
            raise file.error(f"theme variable {value!r} is not defined in theme.json", *path)
        return variables[name]
    if isinstance(value, dict):
        return {key: _themed(item, variables, file, (*path, key)) for key, item in value.items()}
    if isinstance(value, list):
        return [_themed(item, variables, file, (*path, index)) for index, item in enumerate(value)]
    return value


def _themed_parts(project: Project, variables: dict[str, Any]) -> dict[str, Any]:
    app = project.app
    window = {**WINDOW_DEFAULTS, **_themed(app.data.get("window") or {}, variables, app, ("window",))}
    tab_bar = _themed(app.data.get("tabBar"), variables, app, ("tabBar",))
    if isinstance(tab_bar, dict) and tab_bar.get("custom") is True:
        custom = CUSTOM_TAB_BAR if CUSTOM_TAB_BAR in project.component_configs else None
        tab_bar = {**tab_bar, "customComponent": custom}
    pages = {}
    for page in project.pages:
        config = project.page_configs.get(page, {})
        file = project.page_files.get(page) or JsonFile(f"{page}.json", "{}", {})
        overrides = {
            key: _themed(value, variables, file, (key,))
            for key, value in config.items()
            if key not in _PAGE_KEYS
        }
        pages[page] = {**window, **overrides}
    return {"window": window, "tabBar": tab_bar, "pageWindows": pages}


def runtime_config(project: Project) -> dict[str, Any]:
    app = project.app_config
    theme = project.theme or {}
    themes = {name: _themed_parts(project, variables) for name, variables in sorted(theme.items())}
    light = themes.get("light") or _themed_parts(project, {})
    page_configs = {}
    for page in project.pages:
        config = project.page_configs.get(page, {})
        page_configs[page] = {
            **{key: value for key, value in config.items() if key in _PAGE_KEYS},
            "window": light["pageWindows"][page],
            "usingComponents": project.using.get(page, {}),
            "package": project.package_of(page).root,
        }
    components = {
        path: {
            **config,
            "usingComponents": project.using.get(path, {}),
            "package": project.package_of(path).root,
            **({"genericDefaults": project.generics[path]} if path in project.generics else {}),
        }
        for path, config in sorted(project.component_configs.items())
    }
    network = app.get("networkTimeout")
    result: dict[str, Any] = {
        "pages": project.pages,
        "entryPagePath": (app.get("entryPagePath") or project.pages[0]).strip("/"),
        "window": light["window"],
        "tabBar": light["tabBar"],
        "networkTimeout": {**NETWORK_TIMEOUT_DEFAULTS, **(network if isinstance(network, dict) else {})},
        "pageConfigs": page_configs,
        "components": components,
        "app": {key: value for key, value in sorted(app.items()) if key not in _SHAPED},
    }
    if themes:
        result["themes"] = themes
    return result
