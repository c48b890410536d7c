"""A minimal Streamlit client speaking the app's own protocol: protobuf BackMsg/ForwardMsg over /_stcore/stream.

Used by tests/test_public_mode.py, tests/test_proxy.py and benchmarks/run.py. Plain HTTP load tests that fetch
index.html measure nothing: the work happens when a client sends `BackMsg.rerun_script` and the server streams
ForwardMsgs (deltas) until `script_finished`.

Handshake (Streamlit 1.67, streamlit/web/server/starlette/starlette_websocket.py):
- connect to ws://host:port/_stcore/stream with the subprotocol list ["streamlit"]; the browser packs an XSRF token
  and a previous session id into further subprotocol entries, but those only matter for auth cookies and reconnection,
  so an anonymous client needs neither. The Origin header, when sent, must match Host (or server.corsAllowedOrigins).
- nothing runs until the client sends `rerun_script` with a ClientState (query string, page name or page script hash,
  widget states). The server answers with new_session, navigation, deltas, page_info_changed (the query string the
  script wrote) and finally script_finished.
- the client sends no cached_message_hashes, so every delta arrives in full (the worst case, like a first visit).

Example:
    async with Session("ws://127.0.0.1:8614", page="map") as s:
        run = await s.rerun()                                   # first render of the Map page
        run = await s.rerun({"basis": "GVA per filled job"})    # change a keyed widget by its shown label
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
WIDGET_TYPES = {
    "radio",
    "selectbox",
    "multiselect",
    "slider",
    "checkbox",
    "number_input",
    "text_input",
    "button_group",
    "segmented_control",
    "toggle",
    "select_slider",
}


@dataclass
class Run:
    """What one script run sent back."""

    seconds: float = 0.0  # rerun_script sent -> script_finished received
    first_chart_seconds: float | None = None  # rerun_script sent -> first plotly_chart delta
    bytes: int = 0  # total ForwardMsg bytes (uncompressed protobuf)
    messages: int = 0
    status: int | None = None  # ForwardMsg.ScriptFinishedStatus
    exceptions: list[str] = field(default_factory=list)  # st.exception elements (tracebacks would show here)
    alerts: list[str] = field(default_factory=list)  # st.info / st.warning / st.error bodies
    markdown: list[str] = field(default_factory=list)
    charts: list[bytes] = field(default_factory=list)  # plotly_chart spec JSON (raw)
    chart_bytes: list[int] = field(default_factory=list)  # size of each ForwardMsg carrying a plotly chart
    page_not_found: bool = False

    @property
    def ok(self) -> bool:
        return self.status in FINISHED and not self.exceptions


class Session:
    """One browser-like session: a websocket, the current page, query string and widget values."""

    def __init__(
        self,
        base: str,
        page: str = "",
        query: str = "",
        origin: bool = False,
        timeout: float = 60.0,
        compression: bool = True,
        cookie: str | None = None,
        local_address: str | None = None,
    ):
        self.url = base.rstrip("/").replace("http://", "ws://") + "/_stcore/stream"
        self.page_name = page  # url_path of the st.Page ("" = default page)
        self.page_script_hash = ""
        self.query_string = query
        self.timeout = timeout
        self.widgets: dict[str, dict] = {}  # key or label -> {"id", "type", "options", "label"}
        self._values: dict[str, object] = {}  # widget id -> value set by this client (persisted like the browser)
        self._origin = origin
        self._compression = compression
        self._cookie = cookie  # e.g. the proxy's affinity cookie, as one browser would send it
        self._local = local_address  # e.g. 127.0.0.7: another visitor's address on loopback
        self.ws = None
        self.new_session = None  # the last NewSession message (carries the client-side config)
        self.pages: dict[str, str] = {}  # url_pathname -> page title, from the navigation message

    async def __aenter__(self) -> Session:
        await self.open()
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    async def open(self) -> None:
        host = self.url.split("/")[2]
        headers = {"Origin": f"http://{host}"} if self._origin else {}
        if self._cookie:
            headers["Cookie"] = self._cookie
        self.ws = await connect(
            self.url,
            subprotocols=["streamlit"],
            additional_headers=headers,
            max_size=None,
            open_timeout=self.timeout,
            compression="deflate" if self._compression else None,
            **({"local_addr": (self._local, 0)} if self._local else {}),
        )

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    # ---- messages out
    async def _send(self, msg: BackMsg) -> None:
        await self.ws.send(msg.SerializeToString())

    async def clear_cache(self) -> None:
        """What the "Clear cache" menu item sends; any anonymous client can send it whatever the toolbar mode."""
        msg = BackMsg()
        msg.clear_cache = True
        await self._send(msg)

    def _widget_state(self, widget_id: str, value) -> None:
        self._values[widget_id] = value

    async def rerun(self, changes: dict | None = None, page: str | None = None, query: str | None = None) -> Run:
        """Send rerun_script (optionally changing widgets by key/label, the page or the query string); read to the end.

        `changes` maps a widget key (or label) to the value the browser would send: for radio/selectbox the shown
        label (string), for checkbox a bool, for number/slider a number.
        """
        if page is not None and page != self.page_name:
            self.page_name, self.page_script_hash = page, ""
            self._values.clear()  # page widgets reset on navigation
        if query is not None:
            self.query_string = query
        for name, value in (changes or {}).items():
            widget = self.widgets.get(name)
            if widget is None:
                raise KeyError(f"no widget {name!r}; known: {sorted(self.widgets)}")
            self._widget_state(widget["id"], value)
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_script_hash
        state.page_name = self.page_name if not self.page_script_hash else ""
        for widget_id, value in self._values.items():
            w = state.widget_states.widgets.add()
            w.id = widget_id
            if isinstance(value, bool):
                w.bool_value = value
            elif isinstance(value, int):
                w.int_value = value
            elif isinstance(value, float):
                w.double_value = value
            elif isinstance(value, (list, tuple)):
                w.string_array_value.data.extend(str(v) for v in value)
            else:
                w.string_value = str(value)
        started = time.perf_counter()
        await self._send(msg)
        return await self._read_run(started)

    # ---- messages in
    async def _read_run(self, started: float) -> Run:
        run = Run()
        deadline = started + self.timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"no script_finished within {self.timeout}s")
            raw = await asyncio.wait_for(self.ws.recv(), remaining)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            run.bytes += len(raw)
            run.messages += 1
            kind = fwd.WhichOneof("type")
            if kind == "delta":
                self._read_delta(fwd, run, len(raw), started)
            elif kind == "new_session":
                self.new_session = fwd.new_session
            elif kind == "navigation":
                if fwd.navigation.page_script_hash:
                    self.page_script_hash = fwd.navigation.page_script_hash
                self.pages = {p.url_pathname: p.page_name for p in fwd.navigation.app_pages}
            elif kind == "page_info_changed":
                self.query_string = fwd.page_info_changed.query_string
            elif kind == "page_not_found":
                run.page_not_found = True
            elif kind == "script_finished":
                run.status = fwd.script_finished
                if fwd.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # a newer run follows (e.g. st.rerun / query-param sync)
                run.seconds = time.perf_counter() - started
                return run

    def _read_delta(self, fwd: ForwardMsg, run: Run, size: int, started: float) -> None:
        delta = fwd.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            run.exceptions.append(f"{element.exception.type}: {element.exception.message}")
        elif kind == "alert":
            run.alerts.append(element.alert.body)
        elif kind == "markdown":
            run.markdown.append(element.markdown.body)
        elif kind == "plotly_chart":
            if run.first_chart_seconds is None:
                run.first_chart_seconds = time.perf_counter() - started
            run.charts.append(element.plotly_chart.spec.encode())
            run.chart_bytes.append(size)
        elif kind in WIDGET_TYPES:
            proto = getattr(element, kind)
            info = {
                "id": proto.id,
                "type": kind,
                "label": getattr(proto, "label", ""),
                "options": list(getattr(proto, "options", [])),
            }
            self.widgets[proto.id] = info
            if getattr(proto, "label", ""):
                self.widgets[proto.label] = info
            key = proto.id.rsplit("-", 1)[-1] if proto.id.startswith("$$ID") else ""
            if key and key != "None":
                self.widgets[key] = info


def find_page(pages: dict[str, str], *words: str) -> str | None:
    """The url_path of the first page whose path or title contains one of `words` (case-insensitive), else None.

    Lets tests and the benchmark target "the Map page" while page files and url_paths are still changing.
    """
    for word in words:
        for path, title in pages.items():
            if word.lower() in path.lower() or word.lower() in title.lower():
                return path
    return None


async def discover_pages(base: str, timeout: float = 60.0) -> dict[str, str]:
    """Render the root page once and return the app's pages (url_pathname -> title)."""
    async with Session(base, timeout=timeout) as session:
        await session.rerun()
        return session.pages


async def one_run(base: str, page: str = "", query: str = "", timeout: float = 60.0) -> Run:
    """Connect, render one page, disconnect."""
    async with Session(base, page=page, query=query, timeout=timeout) as session:
        return await session.rerun()
