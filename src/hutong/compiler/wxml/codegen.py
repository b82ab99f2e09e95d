"""Generate the view layer's render code from parsed WXML, resolving templates, imports, includes and wxs.

Each WXML file compiles to a module, a JS function of the runtime helpers ``R``::

    function (R) {
      const T = {}, I = ["common/cells"];        // this file's own templates; the files it imports
      T["row"] = (d) => [...];                   // a template: its data is its whole scope
      return { t: T, render: (d) => [...] };     // render(d): the vnodes for the page's data d
    }

The helpers are defined in runtime/view/render-helpers.js: ``R.e(tag, attrs, events, children)`` makes
an element, ``R.c(...)`` a custom component, ``R.s(value)`` formats text, ``R.f(list, loopId, key, fn)``
runs a keyed ``wx:for``, ``R.ti(T, I, name, data, C)`` instantiates a template (own ones first, then
those of the imported files, the later import winning) for a page or component whose custom components
are ``C``, ``R.u(...)`` is a tag in a template body that is a custom component if the instantiating
page's ``C`` says so, ``R.x(key)`` loads a wxs module (a singleton, run on first use).

Compile-time resolution follows WeChat: ``import`` brings in only the templates defined directly in
the imported file; ``include`` copies in the included file's content except its ``<template>`` and
``<wxs>`` (so it reads the includer's data, loop variables and wxs modules); a template sees only its
``data`` and the wxs modules of the file that defines it.
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from hutong.compiler.builtins import BUILTIN_TAGS
from hutong.compiler.errors import CompileError, Position
from hutong.compiler.paths import resolve_path
from hutong.compiler.wxml.expr import compile_expression, js_string
from hutong.compiler.wxml.parser import Attribute, Element, Text, mustaches, parse_wxml
from hutong.compiler.wxs import WxsPlace, compile_wxs

_EVENT = re.compile(r"^(capture-catch|capture-bind|mut-bind|catch|bind):?([A-Za-z_][\w-]*)$")
_EVENT_FLAGS = {"bind": 0, "catch": 1, "capture-bind": 2, "capture-catch": 3, "mut-bind": 4}
_CONTROL = frozenset(
    ("wx:if", "wx:elif", "wx:else", "wx:for", "wx:for-item", "wx:for-index", "wx:key", "wx:for-items")
)
_NAME = re.compile(r"[A-Za-z_$][\w$]*")
_WXS_MODULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ENTITY = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
# WeChat drops text nodes made only of these (and keeps every other text as written).
_TEMPLATE_WHITESPACE = " \t\n\r\f\v"


def decode_entities(text: str) -> str:
    """Decode `&name;`, `&#n;` and `&#xh;` as WeChat's compiler does; anything else stays as written."""

    def replace(match: re.Match[str]) -> str:
        body = match.group(1)
        if body.startswith("#"):
            code = int(body[2:], 16) if body[1] in "xX" else int(body[1:])
            return chr(code) if 0 < code <= 0x10FFFF else match.group()
        return html.entities.html5.get(f"{body};", match.group())

    return _ENTITY.sub(replace, text) if "&" in text else text


@dataclass
class WxmlFile:
    """One parsed WXML file and what it declares for the rest of the file."""

    path: str  # root-relative, with `.wxml`
    source: str
    nodes: list[Element | Text]
    templates: dict[str, Element] = field(default_factory=dict)
    imports: list[str] = field(default_factory=list)  # module keys (paths without `.wxml`)
    wxs: dict[str, str] = field(default_factory=dict)  # module name -> wxs bundle key


@dataclass
class _Scope:
    names: dict[str, str]  # local name -> JS that reads it


class WxmlCompiler:
    """Compiles the WXML files of one mini program; collects the wxs modules they use.

    ``read`` returns a root-relative file's text, or None when there is no such file.
    """

    def __init__(self, read: Callable[[str], str | None]) -> None:
        self._read = read
        self._files: dict[str, WxmlFile] = {}
        self.wxs: dict[str, str] = {}  # bundle key -> factory JS
        self.warnings: list[str] = []  # file:line:column messages about what WeChat also tolerates

    # -- files ---------------------------------------------------------------------------------
    def exists(self, path: str) -> bool:
        return path in self._files or self._read(path) is not None

    def file(self, path: str, source: str | None = None) -> WxmlFile:
        """Parse and analyse ``path`` once (``source`` given for files that are not on disk)."""
        found = self._files.get(path)
        if found is not None:
            return found
        if source is None:
            source = self._read(path)
            if source is None:
                raise CompileError(f"{path} is missing")
        source = source.removeprefix("\ufeff")
        parsed = WxmlFile(path, source, parse_wxml(source, path))
        self._files[path] = parsed  # before analysing: include cycles find it
        self._declarations(parsed, parsed, parsed.nodes, set())
        return parsed

    def source_of(self, path: str) -> str:
        return self.file(path).source

    def error_at(self, message: str, position: Position) -> CompileError:
        """A CompileError at ``position``, showing the line from whichever file it is in."""
        source = self._files[position.file].source if position.file in self._files else None
        return CompileError(message, position, source)

    def src_of(self, element: Element, owner: WxmlFile, suffix: str) -> tuple[str, Attribute]:
        """The file a `src` attribute names, checked to exist; `.wxml` may be left out."""
        attribute = element.attribute("src")
        if attribute is None or not attribute.value or not attribute.value.strip():
            raise self.error_at(f"<{element.tag}> needs a src", element.position)
        request = attribute.value.strip()
        if "{{" in request:
            raise self.error_at(f"<{element.tag}> src must be a fixed path", attribute.value_position)
        path = resolve_path(owner.path, request)
        if path is not None and not path.endswith(suffix) and self.exists(path + suffix):
            path += suffix
        if path is None or not path.endswith(suffix) or not self.exists(path):
            raise self.error_at(f"<{element.tag}> src {request!r}: no such file", attribute.value_position)
        return path, attribute

    def _declarations(
        self, owner: WxmlFile, current: WxmlFile, nodes: Sequence[Element | Text], including: set[str]
    ) -> None:
        """Collect templates, imports and wxs modules of ``owner``; ``current`` is the file the nodes
        come from (an included file contributes its imports but not its templates or wxs)."""
        for node in nodes:
            if not isinstance(node, Element):
                continue
            name_attribute = node.attribute("name") if node.tag == "template" else None
            if name_attribute is not None:
                if current is owner:
                    owner.templates[decode_entities((name_attribute.value or "").strip())] = node
                continue
            if node.tag == "import":
                try:
                    path, _ = self.src_of(node, current, ".wxml")
                except CompileError as error:
                    # WeChat builds a page whose import names no file (miniprogram-demo has one):
                    # nothing is imported, and we say so.
                    self.warnings.append(str(error))
                    continue
                key = path[: -len(".wxml")]
                if key not in owner.imports:
                    owner.imports.append(key)
                continue
            if node.tag == "include":
                path, attribute = self.src_of(node, current, ".wxml")
                if path in including or path == current.path:
                    raise self.error_at(f"<include> cycle through {path}", attribute.value_position)
                included = self.file(path)
                self._declarations(owner, included, included.nodes, including | {current.path})
                continue
            if node.tag == "wxs":
                if current is owner:
                    self._wxs_module(owner, node)
                continue
            self._declarations(owner, current, node.children, including)

    def _wxs_module(self, owner: WxmlFile, element: Element) -> None:
        attribute = element.attribute("module")
        name = (attribute.value or "").strip() if attribute is not None else ""
        if attribute is None or not _WXS_MODULE_NAME.fullmatch(name):
            raise self.error_at(
                "<wxs> needs a module name made of letters, digits and _",
                attribute.value_position if attribute is not None else element.position,
            )
        if element.attribute("src") is not None:
            path, _ = self.src_of(element, owner, ".wxs")
            self.wxs_file(path)
            owner.wxs[name] = path
            return
        key = f"{owner.path}#{name}"
        text = next((child for child in element.children if isinstance(child, Text)), None)
        code = text.value if text is not None else ""
        start = text.position if text is not None else element.position
        place = WxsPlace(key, owner.source, start.line, start.column)
        factory, required = self._compile_wxs(code, place)
        self.wxs[key] = factory  # the later of two same-named modules wins
        owner.wxs[name] = key
        for path in required:
            self.wxs_file(path)

    def _compile_wxs(self, code: str, place: WxsPlace) -> tuple[str, list[str]]:
        try:
            return compile_wxs(code, place, self.exists)
        except CompileError as error:
            # Positions inside an inline module name the WXML file.
            if error.position is not None and "#" in error.position.file:
                file = error.position.file.split("#")[0]
                position = Position(file, error.position.line, error.position.column)
                raise CompileError(error.message, position, error.source) from None
            raise

    def wxs_file(self, path: str) -> None:
        """Compile a `.wxs` file (and what it requires) into ``self.wxs``, once."""
        pending = [path]
        while pending:
            current = pending.pop()
            if current in self.wxs:
                continue
            source = self._read(current)
            if source is None:
                raise CompileError(f"{current} is missing")
            source = source.removeprefix("\ufeff")
            factory, required = self._compile_wxs(source, WxsPlace(current, source))
            self.wxs[current] = factory
            pending.extend(required)

    # -- code ----------------------------------------------------------------------------------
    def compile(
        self, path: str, components: Mapping[str, str] | None = None, source: str | None = None
    ) -> str:
        """The module JS for one WXML file; ``components`` maps its custom component tags to paths."""
        try:
            owner = self.file(path, source)
            return _Generator(self, owner, components or {}).module()
        except RecursionError:
            self._files.pop(path, None)
            raise CompileError("elements are nested too deeply", Position(path, 1, 1)) from None

    def known_templates(self, owner: WxmlFile) -> set[str]:
        names = set(owner.templates)
        for key in owner.imports:
            names.update(self.file(f"{key}.wxml").templates)
        return names


class _Generator:
    def __init__(self, compiler: WxmlCompiler, owner: WxmlFile, components: Mapping[str, str]) -> None:
        self.compiler = compiler
        self.owner = owner
        self.components = components
        self.loop_count = 0
        self.branch_count = 0
        self.include_stack: list[str] = [owner.path]
        self.in_template = False  # generating a template body
        self.passes_components = False  # the render instantiates templates: they get our components
        self.wxs_names = {name: f"R.x({js_string(key)})" for name, key in owner.wxs.items()}

    def error(self, message: str, position: Position) -> CompileError:
        return self.compiler.error_at(message, position)

    def module(self) -> str:
        owner = self.owner
        lines = [
            "function (R) {",
            f"  const T = {{}}, I = [{', '.join(js_string(k) for k in owner.imports)}];",
        ]
        self.in_template = True
        for name, template in owner.templates.items():
            body = self.children(template.children, self.fresh_scope())
            lines.append(f"  T[{js_string(name)}] = (d) => {body};")
        self.in_template = False
        render = self.children(owner.nodes, self.fresh_scope())
        if self.passes_components:
            components = ", ".join(
                f"{js_string(tag)}: {js_string(path)}" for tag, path in self.components.items()
            )
            lines.insert(2, f"  const C = {{{components}}};")
        lines.append(f"  return {{ t: T, render: (d) => {render} }};")
        lines.append("}")
        return "\n".join(lines)

    def fresh_scope(self) -> _Scope:
        return _Scope(dict(self.wxs_names))

    # -- values -------------------------------------------------------------------------------
    def value(
        self,
        text: str,
        position: Position,
        scope: _Scope,
        *,
        as_text: bool = False,
        prefer_object: bool = False,
    ) -> str:
        """JS for an attribute value or text: a lone `{{x}}` keeps x's type (never in text); anything
        else, a space before or after included, is a string."""
        parts = list(self._pieces(text, position, scope, prefer_object))
        if len(parts) == 1 and parts[0][0] == "expr" and not as_text:
            return parts[0][1]
        if not parts:
            return '""'
        return " + ".join(code if kind == "text" else f"R.s({code})" for kind, code in parts)

    def _pieces(
        self, text: str, position: Position, scope: _Scope, prefer_object: bool
    ) -> Iterator[tuple[str, str]]:
        last = 0
        source = self.compiler.source_of(position.file)
        for start, end in mustaches(text):
            if start > last:
                yield "text", js_string(decode_entities(text[last:start]))
            inner_position = _advance(position, text, start + 2)
            inner = text[start + 2 : end - 2]
            yield (
                "expr",
                compile_expression(inner, inner_position, source, scope.names, prefer_object=prefer_object),
            )
            last = end
        if last < len(text):
            yield "text", js_string(decode_entities(text[last:]))

    def attribute_value(self, attribute: Attribute, scope: _Scope, *, prefer_object: bool = False) -> str:
        if attribute.value is None:
            return "true"
        return self.value(attribute.value, attribute.value_position, scope, prefer_object=prefer_object)

    # -- nodes --------------------------------------------------------------------------------
    def children(self, nodes: Sequence[Element | Text], scope: _Scope) -> str:
        items: list[str] = []
        index = 0
        while index < len(nodes):
            node = nodes[index]
            if isinstance(node, Text):
                if decode_entities(node.value).strip(_TEMPLATE_WHITESPACE):
                    items.append(self.value(node.value, node.position, scope, as_text=True))
                index += 1
                continue
            is_loop = node.attribute("wx:for") is not None or node.attribute("wx:for-items") is not None
            if node.attribute("wx:if") is not None and not is_loop:
                chain = [node]
                index += 1
                while index < len(nodes):
                    sibling = nodes[index]
                    if isinstance(sibling, Text) and not sibling.value.strip(_TEMPLATE_WHITESPACE):
                        index += 1
                        continue
                    if isinstance(sibling, Element) and (
                        sibling.attribute("wx:elif") is not None or sibling.attribute("wx:else") is not None
                    ):
                        chain.append(sibling)
                        index += 1
                        if sibling.attribute("wx:elif") is None:
                            break
                        continue
                    break
                items.append("..." + self.condition_chain(chain, scope))
                continue
            for stray in ("wx:elif", "wx:else"):
                attribute = node.attribute(stray)
                if attribute is not None:
                    # As in WeChat's compiler: a warning, and the element shows unconditionally.
                    warning = self.error(f"{stray} without a wx:if before it", attribute.position)
                    self.compiler.warnings.append(str(warning))
            items.append(self.element_with_for(node, scope))
            index += 1
        return "[" + ", ".join(items) + "]"

    def condition_chain(self, chain: list[Element], scope: _Scope) -> str:
        code = "[]"
        first = self.branch_count + 1
        self.branch_count += len(chain)
        for offset, element in reversed(list(enumerate(chain))):
            test = element.attribute("wx:if") or element.attribute("wx:elif")
            # Each branch is its own node, as in WeChat: R.b marks what it renders, so switching
            # branches (or an unconditional sibling moving up) makes a new element, not a reused one.
            body = f"R.b({first + offset}, [{self.element(element, scope)}])"
            code = body if test is None else f"({self.attribute_value(test, scope)} ? {body} : {code})"
        return code

    def element_with_for(self, element: Element, scope: _Scope) -> str:
        """JS for an element that may carry wx:for, spread into a children list.

        wx:for comes before wx:if on the same element: the condition is tested for each item.
        """
        loop = element.attribute("wx:for") or element.attribute("wx:for-items")
        if loop is None:
            return self.element(element, scope)
        item_name = _plain(element.attribute("wx:for-item"), "item")
        index_name = _plain(element.attribute("wx:for-index"), "index")
        for name, attribute in ((item_name, "wx:for-item"), (index_name, "wx:for-index")):
            if not _NAME.fullmatch(name):
                found = element.attribute(attribute)
                raise self.error(
                    f"{attribute} must be a name, not {name!r}", found.position if found else element.position
                )
        inner = _Scope({**scope.names, index_name: f"${index_name}", item_name: f"${item_name}"})
        key = element.attribute("wx:key")
        key_js = "null"
        if key is not None and key.value:
            key_text = key.value.strip()
            if key_text == "*this":
                key_js = '"*this"'
            elif "{{" not in key_text and key_text:
                key_js = js_string(key_text)
            # An expression key is not a WeChat key form: fall back to the index.
        self.loop_count += 1
        loop_id = self.loop_count
        list_js = self.attribute_value(loop, scope)
        body = f"[{self.element(element, inner)}]"
        test = element.attribute("wx:if")
        if test is not None:
            body = f"({self.attribute_value(test, inner)} ? {body} : [])"
        # `wx:for-item="index"`: the name the author chose for the item wins.
        index_param = f"${index_name}" if index_name != item_name else "_"
        fn = f"(${item_name}, {index_param}) => {body}"
        return f"...R.f({list_js}, {loop_id}, {key_js}, {fn})"

    def element(self, element: Element, scope: _Scope) -> str:
        """JS for one element, to stand in a children list (a `...spread` for what renders no tag)."""
        tag = element.tag
        if tag == "block":
            return "..." + self.children(element.children, scope)
        if tag == "wxs" or tag == "import":
            return "...[]"
        if tag == "template":
            if element.attribute("name") is not None:
                return "...[]"
            return self.template_instance(element, scope)
        if tag == "include":
            return self.include(element, scope)
        attrs: list[str] = []
        events: list[str] = []
        for attribute in element.attributes:
            name = attribute.name
            if name in _CONTROL:
                continue
            event = _EVENT.match(name)
            if event:
                prefix, event_type = event.groups()
                handler = self.handler(attribute, scope)
                events.append(f"[{js_string(event_type)}, {handler}, {_EVENT_FLAGS[prefix]}]")
                continue
            chosen = (attribute.value or "").strip()
            if name.startswith("generic:") and chosen in self.components:
                # The component chosen for an abstract tag, by the path its name has here.
                attrs.append(f"{js_string(name)}: {js_string(self.components[chosen])}")
                continue
            if name.startswith("data-"):
                # WeChat lowercases data-* names before turning them into dataset keys:
                # data-foo-bar -> fooBar, data-fooBar -> foobar.
                name = name.lower()
            attrs.append(f"{js_string(name)}: {self.attribute_value(attribute, scope)}")
        children = self.children(element.children, scope)
        attrs_js = "{" + ", ".join(attrs) + "}"
        events_js = "[" + ", ".join(events) + "]"
        component = self.components.get(tag)
        if component is not None and component.startswith("plugin:"):
            # A plugin the platform provides (components.PLATFORM_PLUGINS): the runtime's element.
            return f"R.e({js_string(component.removeprefix('plugin:'))}, {attrs_js}, {events_js}, {children})"
        if component is not None:
            # A custom component: its children are the light DOM its <slot>s show.
            return f"R.c({js_string(tag)}, {js_string(component)}, {attrs_js}, {events_js}, {children})"
        if self.in_template and tag not in BUILTIN_TAGS:
            # A template's tags are custom components of whichever page or component uses it.
            return f"R.u({js_string(tag)}, {attrs_js}, {events_js}, {children})"
        return f"R.e({js_string(tag)}, {attrs_js}, {events_js}, {children})"

    def handler(self, attribute: Attribute, scope: _Scope) -> str:
        """A handler: a method name, `{{expr}}` giving a name or a wxs function, or "" (disabled)."""
        if attribute.value is None or not attribute.value.strip():
            return '""'
        if "{{" not in attribute.value:
            return js_string(decode_entities(attribute.value.strip()))
        return self.attribute_value(attribute, scope)

    def template_instance(self, element: Element, scope: _Scope) -> str:
        is_attribute = element.attribute("is")
        if is_attribute is None or not (is_attribute.value or "").strip():
            # WeChat builds it (`<template data="{{…}}"/>` in real apps) and draws nothing there.
            warning = self.error(
                "<template> has neither name (to define one) nor is (to use one): it draws nothing",
                element.position,
            )
            self.compiler.warnings.append(str(warning))
            return "...[]"
        value = (is_attribute.value or "").strip()
        if "{{" in value:
            name_js = self.attribute_value(is_attribute, scope)
        else:
            name = decode_entities(value)
            if name not in self.compiler.known_templates(self.owner):
                # WeChat builds such files (wxParse refers to templates it never defines) and renders
                # nothing there, so this is a warning, not an error.
                warning = self.error(f"unknown template {name!r}", is_attribute.value_position)
                self.compiler.warnings.append(str(warning))
            name_js = js_string(name)
        data = element.attribute("data")
        data_js = "undefined" if data is None else self.attribute_value(data, scope, prefer_object=True)
        if self.in_template:
            return f"...R.ti(T, I, {name_js}, {data_js})"
        self.passes_components = True
        return f"...R.ti(T, I, {name_js}, {data_js}, C)"

    def include(self, element: Element, scope: _Scope) -> str:
        path, attribute = self.compiler.src_of(element, self._file_of(element), ".wxml")
        if path in self.include_stack:
            raise self.error(f"<include> cycle through {path}", attribute.value_position)
        included = self.compiler.file(path)
        self.include_stack.append(path)
        try:
            # Copy in everything except templates and wxs: the included nodes read this scope.
            # (element() renders <template name> and <wxs> as nothing.)
            return "..." + self.children(included.nodes, scope)
        finally:
            self.include_stack.pop()

    def _file_of(self, element: Element) -> WxmlFile:
        return self.compiler.file(element.position.file)


def _plain(attribute: Attribute | None, default: str) -> str:
    if attribute is None or not attribute.value or not attribute.value.strip():
        return default
    value = attribute.value.strip()
    match = re.fullmatch(r"\{\{\s*([A-Za-z_$][\w$]*)\s*\}\}", value)
    return match.group(1) if match else value


def _advance(position: Position, text: str, offset: int) -> Position:
    before = text[:offset]
    newlines = before.count("\n")
    if newlines:
        return Position(position.file, position.line + newlines, len(before) - before.rfind("\n"))
    return Position(position.file, position.line, position.column + offset)


def compile_wxml(
    source: str,
    file: str,
    components: Mapping[str, str] | None = None,
    files: Mapping[str, str] | None = None,
) -> str:
    """Compile one WXML file on its own (``files``: other files it may import, include or use)."""
    others = dict(files or {})
    compiler = WxmlCompiler(others.get)
    return compiler.compile(file, components, source)
