"""A local Hugging Face Hub: a real HTTP server on 127.0.0.1 answering the endpoints
``huggingface_hub`` calls to publish (``create_repo``, ``upload_folder``: repo creation, YAML
validation, preupload, the NDJSON commit) and to read (``snapshot_download``: repo info at a
revision, the recursive tree, HEAD and GET of ``resolve``), keeping every commit's files in
memory. The Hub itself cannot be reached from this machine. Every file is answered "regular" at
preupload, so its bytes arrive inline in the commit (the Hub sends large ones through LFS/Xet)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from http.server import BaseHTTPRequestHandler

from r1_assets_tests.llm.chat_server import LocalServer

_REPO = r"/api/datasets/(?P<repo>[^/]+/[^/]+)"
_RESOLVE = r"/datasets/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<path>.+)"


class HubServer(LocalServer):
    def __init__(self, token: str) -> None:
        self.token = token
        self.repos: dict[str, dict[str, bytes]] = {}  # repo id -> path -> content (main)
        self.history: dict[str, list[tuple[str, dict[str, bytes]]]] = {}  # (sha, files) per commit
        self.downloads: list[str] = []  # the paths GET resolve served
        self.private: dict[str, bool] = {}
        self.commits: list[dict] = []  # the header of each commit
        self.yaml_checked: list[str] = []
        self._serve()

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def _handler(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def _reply(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Authorization") != f"Bearer {owner.token}":
                    return self._reply(401, {"error": "Invalid credentials"})
                path = self.path.split("?")[0]
                if path == "/api/repos/create":
                    request = json.loads(body)
                    repo = f"{request['organization']}/{request['name']}"
                    url = f"{owner.endpoint}/datasets/{repo}"
                    if repo in owner.repos:
                        return self._reply(
                            409, {"error": "You already created this repo", "url": url}
                        )
                    owner.repos[repo] = {}
                    owner.history[repo] = []
                    owner.private[repo] = request.get("visibility") == "private"
                    return self._reply(200, {"url": url})
                if path == "/api/validate-yaml":
                    owner.yaml_checked.append(json.loads(body)["content"])
                    return self._reply(200, {"errors": [], "warnings": []})
                match = re.fullmatch(_REPO + r"/preupload/(?P<rev>[^/]+)", path)
                if match:
                    files = json.loads(body)["files"]
                    return self._reply(
                        200,
                        {
                            "files": [
                                {"path": f["path"], "uploadMode": "regular", "shouldIgnore": False}
                                for f in files
                            ]
                        },
                    )
                match = re.fullmatch(_REPO + r"/commit/(?P<rev>[^/]+)", path)
                if match and match["repo"] in owner.repos:
                    files = owner.repos[match["repo"]]
                    for line in body.decode().splitlines():
                        item = json.loads(line)
                        if item["key"] == "header":
                            owner.commits.append(item["value"])
                        elif item["key"] == "file":
                            value = item["value"]
                            files[value["path"]] = base64.b64decode(value["content"])
                    oid = hashlib.sha1(body + str(len(owner.commits)).encode()).hexdigest()
                    owner.history[match["repo"]].append((oid, dict(files)))
                    return self._reply(
                        200,
                        {
                            "commitUrl": f"{owner.endpoint}/datasets/{match['repo']}/commit/{oid}",
                            "commitOid": oid,
                            "pullRequestUrl": None,
                        },
                    )
                return self._reply(404, {"error": f"no route {path}"})

            def _files(self, repo: str, revision: str) -> tuple[str, dict[str, bytes]] | None:
                for sha, files in reversed(owner.history.get(repo, [])):
                    if revision in (sha, "main"):
                        return sha, files
                return None

            def do_GET(self) -> None:
                self._read(send_body=True)

            def do_HEAD(self) -> None:
                self._read(send_body=False)

            def _read(self, send_body: bool) -> None:
                path = self.path.split("?")[0]
                info = re.fullmatch(_REPO + r"/revision/(?P<rev>[^/]+)", path)
                tree = re.fullmatch(_REPO + r"/tree/(?P<rev>[^/]+)(?:/.*)?", path)
                resolve = re.fullmatch(_RESOLVE, path)
                match = info or tree or resolve
                found = self._files(match["repo"], match["rev"]) if match else None
                if found is None:
                    self.send_response(404)
                    self.send_header("X-Error-Code", "RevisionNotFound" if match else "")
                    self.end_headers()
                    return
                sha, files = found
                if info:
                    siblings = [{"rfilename": name} for name in sorted(files)]
                    return self._reply(200, {"id": match["repo"], "sha": sha, "siblings": siblings})
                if tree:
                    return self._reply(
                        200,
                        [
                            {"type": "file", "path": name, "size": len(data),
                             "oid": hashlib.sha1(data).hexdigest()}
                            for name, data in sorted(files.items())
                        ],
                    )  # fmt: skip
                data = files.get(match["path"])
                if data is None:
                    self.send_response(404)
                    self.send_header("X-Error-Code", "EntryNotFound")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("X-Repo-Commit", sha)
                self.send_header("ETag", f'"{hashlib.sha1(data).hexdigest()}"')
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if send_body:
                    owner.downloads.append(match["path"])
                    self.wfile.write(data)

        return Handler
