"""A preview of an APL screen as HTML: the document and datasources the skill sent, drawn by this page.

Not Amazon's renderer: it draws the components, properties, resources, styles and data
binding that content/apl/ uses (Frame, Container with data, ScrollView, Sequence, Text,
TouchWrapper, Image) with CSS flexbox, on the viewport of an Echo Show 5, scaled down.
Every word is HTML-escaped; a property it cannot read is left out and named in ``warnings``,
so the page can say what the preview could not draw. A TouchWrapper becomes a real button
carrying the arguments of its ``SendEvent``, which the page sends back as the device's
``Alexa.Presentation.APL.UserEvent``.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .apl_expr import ExpressionError, bind, evaluate, to_text, truthy


@dataclass(frozen=True)
class Viewport:
    """What the preview pretends to be (also sent in the request's ``context.Viewport``)."""

    name: str = "Echo Show 5"
    width: int = 960  # dp (160 dpi, so also pixels)
    height: int = 480
    dpi: int = 160
    shape: str = "rectangle"
    scale: float = 0.6  # CSS pixels per dp on the page

    def scope(self) -> dict[str, Any]:
        return {
            "width": self.width,
            "height": self.height,
            "pixelWidth": self.width,
            "pixelHeight": self.height,
            "dpi": self.dpi,
            "shape": self.shape,
            "mode": "hub",
            "theme": "dark",
        }


ECHO_SHOW = Viewport()


@dataclass
class Preview:
    html: str
    buttons: list[dict[str, Any]] = field(default_factory=list)  # {"label", "arguments"} per touch target
    warnings: list[str] = field(default_factory=list)


_LENGTH = re.compile(r"^(-?\d+(?:\.\d+)?)\s*(dp|px|vw|vh|%)?$")
_COLOR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]+|rgba?\([\d.,\s%]+\))$")
_ALIGN = {
    "start": "flex-start",
    "end": "flex-end",
    "center": "center",
    "baseline": "baseline",
    "stretch": "stretch",
}
_JUSTIFY = {
    "start": "flex-start",
    "end": "flex-end",
    "center": "center",
    "spaceBetween": "space-between",
    "spaceAround": "space-around",
    "spaceEvenly": "space-evenly",
}
_WRAP = {"noWrap": "nowrap", "wrap": "wrap", "wrapReverse": "wrap-reverse"}
_TEXT_ALIGN = {
    "left": "left",
    "right": "right",
    "center": "center",
    "auto": "start",
    "start": "start",
    "end": "end",
}
_VERTICAL = {"top": "flex-start", "center": "center", "bottom": "flex-end", "auto": "flex-start"}
_WEIGHTS = {"normal": "400", "bold": "700", **{str(w): str(w) for w in range(100, 1000, 100)}}
_THEME_TEXT = {"dark": "#FAFAFA", "light": "#1E2222"}
_STATE = {"pressed": False, "focused": False, "checked": False, "disabled": False, "hover": False}
_CONTAINERS = {"Container", "Frame", "ScrollView", "Sequence", "TouchWrapper"}


class _Drawer:
    def __init__(self, document: Mapping[str, Any], viewport: Viewport) -> None:
        self.document, self.viewport = document, viewport
        self.theme = document.get("theme", "dark") if document.get("theme") in _THEME_TEXT else "dark"
        self.warnings: list[str] = []
        self.buttons: list[dict[str, Any]] = []
        self.resources: dict[str, Any] = {}

    # --- values -------------------------------------------------------------------------
    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def evaluate(self, value: Any, scope: Mapping[str, Any]) -> Any:
        try:
            value = bind(value, scope)
        except ExpressionError as exc:
            self.warn(str(exc))
            return None
        if isinstance(value, str) and value.startswith("@"):
            return self.resources.get(value[1:], value)
        return value

    def load_resources(self, scope: Mapping[str, Any]) -> None:
        for block in self.document.get("resources") or []:
            if isinstance(block, Mapping) and self.when(block, scope):
                for kind in ("dimensions", "colors", "strings", "numbers", "booleans"):
                    self.resources.update(block.get(kind) or {})

    def when(self, item: Mapping[str, Any], scope: Mapping[str, Any]) -> bool:
        return "when" not in item or truthy(self.evaluate(item["when"], scope))

    def styled(self, component: Mapping[str, Any], scope: Mapping[str, Any]) -> dict[str, Any]:
        """Style values that apply (extends first, then each matching entry), under the component's own."""
        merged: dict[str, Any] = {}
        style_scope = {**scope, "state": _STATE}
        seen: set[str] = set()

        def apply(name: Any) -> None:
            style = (self.document.get("styles") or {}).get(name) if isinstance(name, str) else None
            if style is None or name in seen:
                if style is None:
                    self.warn(f"no style {name!r}")
                return
            seen.add(name)
            for parent in style.get("extends") or []:
                apply(parent)
            values = style.get("values") or []
            for entry in values if isinstance(values, list) else [values]:
                if isinstance(entry, Mapping) and self.when(entry, style_scope):
                    merged.update({k: v for k, v in entry.items() if k != "when"})

        if "style" in component:
            apply(self.evaluate(component["style"], scope))
        merged.update(component)
        return merged

    def length(self, value: Any, scope: Mapping[str, Any]) -> str | None:
        value = self.evaluate(value, scope)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f"{value * self.viewport.scale:g}px"
        match = _LENGTH.match(value.strip()) if isinstance(value, str) else None
        if not match:
            if value != "auto":
                self.warn(f"cannot read the length {value!r}")
            return None
        number, unit = float(match.group(1)), match.group(2) or "dp"
        if unit == "%":
            return f"{number:g}%"
        if unit in ("vw", "vh"):
            number = number / 100 * (self.viewport.width if unit == "vw" else self.viewport.height)
        return f"{number * self.viewport.scale:g}px"

    def color(self, value: Any, scope: Mapping[str, Any]) -> str | None:
        value = self.evaluate(value, scope)
        if isinstance(value, str) and _COLOR.match(value.strip()):
            return value.strip()
        self.warn(f"cannot read the colour {value!r}")
        return None

    # --- components ---------------------------------------------------------------------
    def draw(self, component: Any, scope: Mapping[str, Any], row: bool = False, first: bool = True) -> str:
        if not isinstance(component, Mapping):
            self.warn("a component that is not an object")
            return ""
        if not self.when(component, scope):
            return ""
        props = self.styled(component, scope)
        kind = self.evaluate(props.get("type"), scope)
        if props.get("display") == "none":
            return ""
        css = self.box_css(props, scope, row, first)
        attrs = ""
        component_id = self.evaluate(props.get("id"), scope)
        if component_id:
            attrs += f' data-apl-id="{html.escape(to_text(component_id))}"'
        if kind == "Text":
            return self.text(props, scope, css, attrs)
        if kind == "Image":
            return self.image(props, scope, css, attrs)
        if kind not in _CONTAINERS:
            self.warn(f"the preview does not draw {kind!r} components")
            return (
                f'<span class="apl-unsupported" style="{css}"{attrs}>'
                f"[{html.escape(to_text(kind))}: not drawn by this preview]</span>"
            )
        direction = (
            "row" if kind == "Container" and props.get("direction") in ("row", "rowReverse") else "column"
        )
        css += self.container_css(props, scope, kind, direction)
        inner = self.children(props, scope, direction == "row")
        if kind == "TouchWrapper":
            return self.touch(props, scope, css, attrs, inner)
        return f'<span class="apl-{kind.lower()}" style="{css}"{attrs}>{inner}</span>'

    def box_css(self, props: Mapping[str, Any], scope: Mapping[str, Any], row: bool, first: bool) -> str:
        css = [
            "display:flex",
            "box-sizing:border-box",
            "position:relative",
            "min-width:0",
            "min-height:0",
            f"flex-grow:{self.number(props.get('grow', 0), scope)}",
            f"flex-shrink:{self.number(props.get('shrink', 0), scope)}",
        ]
        for prop, name in (
            ("width", "width"),
            ("height", "height"),
            ("minWidth", "min-width"),
            ("maxWidth", "max-width"),
            ("minHeight", "min-height"),
            ("maxHeight", "max-height"),
        ):
            if prop in props and (value := self.length(props[prop], scope)):
                css.append(f"{name}:{value}")
        for side in ("Top", "Bottom", "Left", "Right"):
            value = props.get(f"padding{side}", props.get("padding"))
            if value is not None and (length := self.length(value, scope)):
                css.append(f"padding-{side.lower()}:{length}")
        if "spacing" in props and not first and (length := self.length(props["spacing"], scope)):
            css.append(f"margin-{'left' if row else 'top'}:{length}")
        if "opacity" in props:
            css.append(f"opacity:{self.number(props['opacity'], scope)}")
        if props.get("display") == "invisible":
            css.append("visibility:hidden")
        if "backgroundColor" in props and (color := self.color(props["backgroundColor"], scope)):
            css.append(f"background-color:{color}")
        if "borderRadius" in props and (length := self.length(props["borderRadius"], scope)):
            css.append(f"border-radius:{length}")
        if "borderWidth" in props and (length := self.length(props["borderWidth"], scope)):
            color = self.color(props.get("borderColor", "transparent"), scope) or "transparent"
            css.append(f"border:{length} solid {color}")
        return ";".join(css) + ";"

    def container_css(
        self, props: Mapping[str, Any], scope: Mapping[str, Any], kind: str, direction: str
    ) -> str:
        css = [f"flex-direction:{direction}"]
        if kind == "Container":
            css.append(f"align-items:{_ALIGN.get(props.get('alignItems', 'stretch'), 'stretch')}")
            css.append(f"justify-content:{_JUSTIFY.get(props.get('justifyContent', 'start'), 'flex-start')}")
            css.append(f"flex-wrap:{_WRAP.get(props.get('wrap', 'noWrap'), 'nowrap')}")
        if kind in ("ScrollView", "Sequence"):
            css.append("overflow:auto")
        return ";".join(css) + ";"

    def number(self, value: Any, scope: Mapping[str, Any]) -> float:
        value = self.evaluate(value, scope)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        try:
            return float(value)
        except (TypeError, ValueError):
            self.warn(f"cannot read the number {value!r}")
            return 0

    def children(self, props: Mapping[str, Any], scope: Mapping[str, Any], row: bool) -> str:
        templates = props.get("items", props.get("item", []))
        templates = templates if isinstance(templates, list) else [templates]
        drawn: list[str] = []

        def add(component: Any, child_scope: Mapping[str, Any]) -> None:
            piece = self.draw(component, child_scope, row, first=not drawn)
            if piece:
                drawn.append(piece)

        data = self.evaluate(props["data"], scope) if "data" in props else None
        if "firstItem" in props:
            add(props["firstItem"], scope)
        if isinstance(data, list):
            for index, element in enumerate(data):
                child_scope = {**scope, "data": element, "index": index, "length": len(data)}
                chosen = next(
                    (t for t in templates if isinstance(t, Mapping) and self.when(t, child_scope)), None
                )
                if chosen is not None:
                    add({k: v for k, v in chosen.items() if k != "when"}, child_scope)
        else:
            if "data" in props and data is not None:
                self.warn("a data property that is not a list")
            for template in templates:
                add(template, scope)
        if "lastItem" in props:
            add(props["lastItem"], scope)
        return "".join(drawn)

    def text(self, props: Mapping[str, Any], scope: Mapping[str, Any], css: str, attrs: str) -> str:
        text = to_text(self.evaluate(props.get("text", ""), scope))
        color = self.color(props["color"], scope) if "color" in props else _THEME_TEXT[self.theme]
        size = self.length(props.get("fontSize", "40dp"), scope) or "18px"
        css += f"flex-direction:column;justify-content:{_VERTICAL.get(str(props.get('textAlignVertical')), 'flex-start')};"
        inner = [
            f"color:{color or _THEME_TEXT[self.theme]}",
            f"font-size:{size}",
            f"font-weight:{_WEIGHTS.get(str(self.evaluate(props.get('fontWeight', 'normal'), scope)), '400')}",
            f"text-align:{_TEXT_ALIGN.get(props.get('textAlign', 'auto'), 'start')}",
        ]
        if props.get("fontStyle") == "italic":
            inner.append("font-style:italic")
        if "lineHeight" in props:
            inner.append(f"line-height:{self.number(props['lineHeight'], scope):g}")
        max_lines = int(self.number(props["maxLines"], scope)) if "maxLines" in props else 0
        if max_lines > 0:
            inner += [
                "display:-webkit-box",
                "-webkit-box-orient:vertical",
                f"-webkit-line-clamp:{max_lines}",
                "overflow:hidden",
            ]
        return (
            f'<span class="apl-text" style="{css}"{attrs}><span style="{";".join(inner)}">'
            f"{html.escape(text)}</span></span>"
        )

    def image(self, props: Mapping[str, Any], scope: Mapping[str, Any], css: str, attrs: str) -> str:
        source = to_text(self.evaluate(props.get("source", props.get("sources", "")), scope))
        label = to_text(self.evaluate(props.get("accessibilityLabel", ""), scope)) or "image"
        self.warn("images are shown as a box (the page loads nothing from the network)")
        return (
            f'<span class="apl-image" role="img" aria-label="{html.escape(label)}" style="{css}"{attrs}'
            f' title="{html.escape(source)}">[{html.escape(label)}]</span>'
        )

    def touch(
        self, props: Mapping[str, Any], scope: Mapping[str, Any], css: str, attrs: str, inner: str
    ) -> str:
        arguments = self.send_event(props.get("onPress"), scope)
        label = to_text(self.evaluate(props.get("accessibilityLabel", ""), scope))
        extra = f' aria-label="{html.escape(label)}"' if label else ""
        if arguments is None:
            return (
                f'<button type="button" class="apl-touch" disabled title="sends no event"'
                f' style="{css}"{attrs}{extra}>{inner}</button>'
            )
        index = len(self.buttons)
        self.buttons.append({"label": label or _visible_text(inner), "arguments": arguments})
        return (
            f'<button type="button" class="apl-touch" data-event="{index}"'
            f' data-arguments="{html.escape(json.dumps(arguments))}" style="{css}"{attrs}{extra}>'
            f"{inner}</button>"
        )

    def send_event(self, commands: Any, scope: Mapping[str, Any]) -> list[Any] | None:
        """The arguments of the first SendEvent a press runs (inside Sequential/Parallel too)."""
        for command in commands if isinstance(commands, list) else [commands]:
            if not isinstance(command, Mapping) or not self.when(command, scope):
                continue
            if command.get("type") == "SendEvent":
                arguments = self.evaluate(command.get("arguments", []), scope)
                return arguments if isinstance(arguments, list) else [arguments]
            if command.get("type") in ("Sequential", "Parallel"):
                found = self.send_event(command.get("commands"), scope)
                if found is not None:
                    return found
            elif command.get("type"):
                self.warn(f"the preview does not run {command.get('type')!r} commands")
        return None


def _visible_text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", markup)).strip()


def render(
    document: Mapping[str, Any], datasources: Mapping[str, Any] | None, viewport: Viewport = ECHO_SHOW
) -> Preview:
    """Draw ``document`` with ``datasources`` as a RenderDocument directive carries them."""
    drawer = _Drawer(document, viewport)
    template = document.get("mainTemplate")
    if not isinstance(template, Mapping):
        drawer.warn("the document has no mainTemplate (a linked document is not fetched)")
        template = {}
    scope: dict[str, Any] = {
        "viewport": viewport.scope(),
        "environment": {"aplVersion": document.get("version")},
    }
    for name in template.get("parameters") or []:
        name = name.get("name") if isinstance(name, Mapping) else name
        if isinstance(name, str):  # "payload" names all the datasources (APL's older convention)
            scope[name] = dict(datasources or {}) if name == "payload" else (datasources or {}).get(name)
    drawer.load_resources(scope)
    if document.get("import"):
        drawer.warn("imported packages are not loaded by the preview")
    body = drawer.children(template, scope, row=False)
    width, height = viewport.width * viewport.scale, viewport.height * viewport.scale
    markup = (
        f'<div class="apl-viewport" style="width:{width:g}px;height:{height:g}px;display:flex;'
        f'flex-direction:column;overflow:hidden;position:relative;background:#000">{body}</div>'
    )
    return Preview(markup, drawer.buttons, drawer.warnings)


def render_directives(directives: list[Any] | None, viewport: Viewport = ECHO_SHOW) -> Preview | None:
    """The last RenderDocument in a response's directives, drawn; None when there is none."""
    for directive in reversed(directives or []):
        if (
            isinstance(directive, Mapping)
            and directive.get("type") == "Alexa.Presentation.APL.RenderDocument"
        ):
            document = directive.get("document")
            if not isinstance(document, Mapping):
                return Preview("", [], ["the RenderDocument carries no inline document"])
            return render(document, directive.get("datasources") or {}, viewport)
    return None


__all__ = ["ECHO_SHOW", "Preview", "Viewport", "evaluate", "render", "render_directives"]
