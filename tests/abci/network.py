#!/usr/bin/env python3
"""network.py — `dvm abci` under real CometBFT validators on 127.0.0.1
(issue 12). Each validator is one CometBFT process and one `dvm abci`
process with its own data directory, on distinct ports.

  network.py --dvm build/dvm --tool build/tests/abci_tool --contract X.dvm
             [--bug-dvm build-bug/dvm] [--validators 4] [--rounds 40]
             [--faults 5] [--keep DIR]

Phases (each prints one result line; the last line is 'N passed, M failed'):
  basic     deploy + SENDERS x ROUNDS transfers and contract calls sent with
            broadcast_tx_sync; every validator reports the same app hash at
            every height and the same receipts, whose outcomes (status,
            return value, logs) equal the reference chain's
  kill      SIGKILL one validator (CometBFT and dvm abci): the others keep
            producing blocks; restart it: it catches up to the same app hash
  crash     N times at random moments: SIGKILL one validator's dvm abci only
            (its CometBFT stops on the lost connection, or is killed), restart
            both: the handshake replays what the app missed, hashes agree
  diverge   (--bug-dvm) a fresh network where validator 3 runs the engine
            built with DVM_PLANT_BUG: the shl(1,32) transaction makes its app
            hash differ, its CometBFT stops, the other three go on
  verify    after the network stops, every validator's data directory: the
            chain audit and every stored block applied to a fresh chain from
            DIR/genesis.json (abci_tool verify), `dvm replay DIR` when the dvm
            binary has that command, `dvm query head/receipt --data DIR`; the
            state roots of all validators agree at a common height
Needs the CometBFT binary from scripts/cometbft.sh (--cometbft)."""
import argparse, base64, json, os, random, re, shutil, signal, socket, subprocess
import sys, tempfile, time, urllib.request

ARGS = None
RESULTS = []


def log(*a):
    print("network:", *a, flush=True)


def free_ports(n):
    for _ in range(200):
        base = random.randrange(20000, 60000 - n)
        ok = True
        for p in range(base, base + n):
            s = socket.socket()
            try:
                s.bind(("127.0.0.1", p))
            except OSError:
                ok = False
            finally:
                s.close()
            if not ok:
                break
        if ok:
            return base
    raise RuntimeError("no free ports")


def rpc(port, method, params=None, timeout=5):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or {}}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}/", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as r:
        out = json.loads(r.read())
    if "error" in out:
        raise RuntimeError(f"{method}: {out['error']}")
    return out["result"]


class Node:
    def __init__(self, net, i):
        self.net, self.i = net, i
        self.home = os.path.join(net.dir, f"node{i}")
        self.data = os.path.join(net.dir, f"dvm{i}")
        base = net.base + 3 * i
        self.p2p, self.rpc, self.abci = base, base + 1, base + 2
        self.dvm = net.dvm_bins[i]
        self.comet = None
        self.app = None

    def start_app(self, env=None):
        f = open(os.path.join(self.net.dir, f"dvm{self.i}.log"), "ab")
        self.app = subprocess.Popen([self.dvm, "abci", "--data", self.data, "--listen",
                                     f"tcp://127.0.0.1:{self.abci}", "--threads", "1"],
                                    stdout=f, stderr=f, start_new_session=True,
                                    env=dict(os.environ, **(env or {})))
        for _ in range(100):  # listening?
            try:
                socket.create_connection(("127.0.0.1", self.abci), 0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"dvm abci {self.i} did not listen")

    def start_comet(self):
        f = open(os.path.join(self.net.dir, f"comet{self.i}.log"), "ab")
        self.comet = subprocess.Popen([self.net.cometbft, "start", "--home", self.home],
                                      stdout=f, stderr=f, start_new_session=True)

    def start(self):
        self.start_app()
        self.start_comet()

    def kill(self, which=("comet", "app")):
        for w in which:
            p = getattr(self, w)
            if p and p.poll() is None:
                os.kill(p.pid, signal.SIGKILL)
                p.wait()

    def stop(self):
        for p in (self.comet, self.app):
            if p and p.poll() is None:
                os.kill(p.pid, signal.SIGTERM)
        for p in (self.comet, self.app):
            if p:
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    os.kill(p.pid, signal.SIGKILL)
                    p.wait()

    def height(self):
        try:
            return int(rpc(self.rpc, "status", timeout=2)["sync_info"]["latest_block_height"])
        except Exception:
            return -1

    def app_hash_at(self, h):
        """The app hash after executing block h (in block h+1's header)."""
        b = rpc(self.rpc, "block", {"height": str(h + 1)})
        return b["block"]["header"]["app_hash"]

    def query(self, path, data):
        r = rpc(self.rpc, "abci_query", {"path": path, "data": data.hex()})["response"]
        return r.get("code", 0), base64.b64decode(r.get("value") or "")


class Net:
    def __init__(self, n, dvm_bins, tag):
        self.dir = tempfile.mkdtemp(prefix=f"dvm-abci-{tag}-", dir=ARGS.keep or None)
        self.base = free_ports(3 * n)
        self.cometbft = ARGS.cometbft
        self.dvm_bins = dvm_bins
        self.nodes = [Node(self, i) for i in range(n)]
        self.configure(n)

    def configure(self, n):
        subprocess.run([self.cometbft, "testnet", "--v", str(n), "--n", "0", "--o", self.dir,
                        "--populate-persistent-peers=false"], check=True, capture_output=True)
        with open(os.path.join(ARGS.plan, "genesis.json")) as f:
            app_state = json.load(f)
        ids = []
        for nd in self.nodes:
            ids.append(subprocess.run([self.cometbft, "show-node-id", "--home", nd.home], check=True,
                                      capture_output=True, text=True).stdout.strip())
        for nd in self.nodes:
            g = os.path.join(nd.home, "config", "genesis.json")
            with open(g) as f:
                gen = json.load(f)
            gen["app_state"] = app_state
            gen["chain_id"] = "dvm-abci-test"
            with open(g, "w") as f:
                json.dump(gen, f)
            c = os.path.join(nd.home, "config", "config.toml")
            with open(c) as f:
                t = f.read()
            peers = ",".join(f"{ids[j]}@127.0.0.1:{self.nodes[j].p2p}" for j in range(n) if j != nd.i)
            sub = {
                r'^proxy_app = .*$': f'proxy_app = "tcp://127.0.0.1:{nd.abci}"',
                r'^laddr = "tcp://127.0.0.1:26657"$': f'laddr = "tcp://127.0.0.1:{nd.rpc}"',
                r'^laddr = "tcp://0.0.0.0:26656"$': f'laddr = "tcp://127.0.0.1:{nd.p2p}"',
                r'^persistent_peers = .*$': f'persistent_peers = "{peers}"',
                r'^addr_book_strict = .*$': 'addr_book_strict = false',
                r'^allow_duplicate_ip = .*$': 'allow_duplicate_ip = true',
                r'^pex = .*$': 'pex = false',
                r'^timeout_propose = .*$': 'timeout_propose = "1s"',
                r'^timeout_prevote = .*$': 'timeout_prevote = "300ms"',
                r'^timeout_precommit = .*$': 'timeout_precommit = "300ms"',
                r'^timeout_commit = .*$': 'timeout_commit = "200ms"',
                r'^log_level = .*$': 'log_level = "info"',
                r'^pprof_laddr = .*$': 'pprof_laddr = ""',
                r'^prometheus = .*$': 'prometheus = false',
            }
            for k, v in sub.items():
                t, cnt = re.subn(k, v, t, flags=re.M)
                if cnt == 0:
                    raise RuntimeError(f"config.toml: no line {k}")
            with open(c, "w") as f:
                f.write(t)

    def start(self):
        for nd in self.nodes:
            nd.start()

    def stop(self):
        for nd in self.nodes:
            nd.stop()

    def remove(self):
        if not ARGS.keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    def wait_height(self, nodes, h, timeout):
        end = time.time() + timeout
        while time.time() < end:
            if all(nd.height() >= h for nd in nodes):
                return True
            time.sleep(0.2)
        return False

    def broadcast(self, nd, txhex):
        tx = base64.b64encode(bytes.fromhex(txhex)).decode()
        r = rpc(nd.rpc, "broadcast_tx_sync", {"tx": tx})
        return r["code"], r.get("log", "")

    def receipts(self, nd, ids, timeout):
        """Receipt lines (abci_tool format) of the tx ids, waiting for them."""
        end = time.time() + timeout
        got = {}
        while time.time() < end:
            for i in ids:
                if i in got:
                    continue
                code, val = nd.query("/receipt", bytes.fromhex(i))
                if code == 0 and val:
                    got[i] = val.hex()
            if len(got) == len(ids):
                break
            time.sleep(0.3)
        if not got:
            return {}
        keys = list(got)
        out = subprocess.run([ARGS.tool, "receipts"], input="\n".join(got[k] for k in keys) + "\n",
                             capture_output=True, text=True, check=True).stdout.split("\n")
        return {k: out[j] for j, k in enumerate(keys)}

    def hashes_agree(self, nodes, upto):
        """Every node's app hash at heights 1..upto agrees; returns (ok, msg)."""
        for h in range(1, upto + 1):
            hs = set()
            for nd in nodes:
                hs.add(nd.app_hash_at(h))
            if len(hs) != 1:
                return False, f"height {h}: app hashes {hs}"
        return True, f"heights 1..{upto} agree on {len(nodes)} validators"


def result(name, ok, msg):
    RESULTS.append(ok)
    print(f"{'PASS' if ok else 'FAIL'} {name}: {msg}", flush=True)


def read_lines(name):
    with open(os.path.join(ARGS.plan, name)) as f:
        return [l.strip() for l in f if l.strip()]


def expected():
    exp = {}
    for l in read_lines("expected.txt"):
        exp[l.split()[0]] = l
    return exp


def send_all(net, nd, txs, errors):
    for k, t in enumerate(txs):
        try:
            code, lg = net.broadcast(nd, t)
            if code != 0:
                errors.append(f"CheckTx refused a transaction: {code} {lg}")
        except Exception as e:  # a node going down under the send
            errors.append(str(e))


def outcome(line):
    """A receipt line without gas_used and fee: "id status ret logs"."""
    if line is None:
        return None
    f = line.split()
    return " ".join(f[:2] + f[4:]) if len(f) == 6 else line


def check_receipts(net, nodes, want, timeout):
    """Every receipt's outcome (status, return value, logs) equals the
    reference chain's, and every validator's receipt equals node 0's byte
    for byte. gas_used and the fee are not compared with the reference:
    storage gas depends on what the same block wrote before (a key's first
    write in a block costs more, spec/gas.md), and the reference executes
    all transactions in one block while the network splits them over many.
    They are pinned by the verify phase instead (every stored block
    re-applied on a fresh chain: the receipts root in each header)."""
    exp = expected()
    bad = 0
    first = None
    for nd in nodes:
        got = net.receipts(nd, want, timeout)
        if first is None:
            first = got
        for i in want:
            if outcome(got.get(i)) != outcome(exp[i]) or got.get(i) != first.get(i):
                bad += 1
                if bad < 5:
                    log(f"node {nd.i}: receipt {i}: got {got.get(i)} want {exp[i]} (outcome) "
                        f"and {first.get(i)} (node {nodes[0].i})")
    return bad


def phase_basic(net, ids):
    nodes = net.nodes
    exp = expected()
    if not net.wait_height(nodes, 2, 60):
        return result("basic", False, "the network produced no blocks")
    dep = read_lines("deploy.txt")[0]
    code, lg = net.broadcast(nodes[0], dep)
    if code != 0:
        return result("basic", False, f"deploy refused by CheckTx: {code} {lg}")
    got = net.receipts(nodes[0], [ids["deploy"]], 30)
    if got.get(ids["deploy"]) != exp[ids["deploy"]]:
        return result("basic", False, f"deploy receipt {got}")
    txs = read_lines("txs.txt")[:ids["split"]]
    t0 = time.time()
    errors = []
    send_all(net, nodes[0], txs, errors)
    if errors:
        return result("basic", False, errors[0])
    bad = check_receipts(net, nodes, ids["txs"][:ids["split"]], 90)
    if bad:
        return result("basic", False, f"{bad} receipts differ from the reference chain")
    top = min(nd.height() for nd in nodes) - 1
    ok, msg = net.hashes_agree(nodes, top)
    result("basic", ok, f"{len(txs) + 1} transactions (transfers, deploy, contract calls) in "
           f"{time.time() - t0:.1f} s, receipts equal on {len(nodes)} validators, outcomes as the reference chain's; {msg}")


def phase_kill(net):
    nodes = net.nodes
    victim = nodes[-1]
    others = nodes[:-1]
    victim.kill()
    h0 = max(nd.height() for nd in others)
    ok = net.wait_height(others, h0 + 5, 60)
    if not ok:
        return result("kill", False, "the other validators stopped producing blocks")
    victim.start()
    target = max(nd.height() for nd in others)
    if not net.wait_height([victim], target, 90):
        return result("kill", False, f"validator {victim.i} did not catch up to {target}")
    ok, msg = net.hashes_agree(nodes, target - 1)
    result("kill", ok, f"SIGKILL validator {victim.i} at height {h0}: the others went on to {h0 + 5}+; "
           f"restarted, it caught up; {msg}")


def phase_crash(net, rounds, ids):
    import threading
    nodes = net.nodes
    rng = random.Random(ARGS.seed)
    notes = []
    rest = read_lines("txs.txt")[ids["split"]:]
    # the last 2 x 16 transactions go with the two chosen-moment faults
    extra = {"before": rest[-32:-16], "after": rest[-16:]}
    rest = rest[:-32]
    chunk = (len(rest) + rounds - 1) // max(rounds, 1)
    for r in range(rounds):
        v = nodes[rng.randrange(len(nodes))]
        other = nodes[(v.i + 1) % len(nodes)]
        # traffic through another validator while the app is killed at a
        # random moment, so that the blocks around the kill hold transactions
        errors = []
        th = threading.Thread(target=send_all, args=(net, other, rest[r * chunk:(r + 1) * chunk], errors))
        th.start()
        time.sleep(rng.uniform(0.05, 1.0))
        h = v.height()
        v.kill(("app",))
        th.join()
        if errors:
            return result("crash", False, f"round {r}: {errors[0]}")
        # CometBFT stops on a lost app connection; kill it if it lingers
        try:
            v.comet.wait(5)
        except subprocess.TimeoutExpired:
            v.kill(("comet",))
        v.start()
        target = max(nd.height() for nd in nodes if nd is not v)
        if not net.wait_height([v], target + 1, 90):
            return result("crash", False, f"round {r}: validator {v.i} did not catch up to {target + 1}")
        notes.append(f"v{v.i}@{h}")
    # Two more at chosen moments (the app SIGKILLs itself, DVM_ABCI_FAULT):
    # inside FinalizeBlock before the block is stored (CometBFT replays it
    # with the real app), and after it is stored but before the answer and
    # Commit (the app reports the previous height; the block is finalized
    # again and answered from the store).
    for mode in ("before", "after"):
        v = nodes[rng.randrange(len(nodes))]
        other = nodes[(v.i + 1) % len(nodes)]
        v.kill()
        at = max(nd.height() for nd in nodes if nd is not v) + 3
        v.start_app({"DVM_ABCI_FAULT": f"{mode}:{at}"})
        v.start_comet()
        errors = []
        send_all(net, other, extra[mode], errors)
        try:
            v.app.wait(60)
        except subprocess.TimeoutExpired:
            return result("crash", False, f"{mode}:{at}: the fault did not fire")
        try:
            v.comet.wait(10)
        except subprocess.TimeoutExpired:
            v.kill(("comet",))
        v.start()
        target = max(nd.height() for nd in nodes if nd is not v)
        if not net.wait_height([v], max(target, at) + 1, 90):
            return result("crash", False, f"{mode}:{at}: validator {v.i} did not catch up")
        notes.append(f"v{v.i}:{mode}-store@{at}")
    bad = check_receipts(net, nodes, ids["txs"][ids["split"]:], 90)
    if bad:
        return result("crash", False, f"{bad} receipts differ from the reference chain")
    replays = real = 0
    for nd in nodes:
        with open(os.path.join(net.dir, f"dvm{nd.i}.log")) as f:
            replays += f.read().count("answered from the stored block")
        with open(os.path.join(net.dir, f"comet{nd.i}.log")) as f:
            real += f.read().count("Replay last block using real app")
    if replays < 1 or real < 2:
        return result("crash", False, f"the handshake replays were not exercised ({replays} from the store, "
                      f"{real} with the real app)")
    top = min(nd.height() for nd in nodes) - 1
    ok, msg = net.hashes_agree(nodes, top)
    result("crash", ok, f"{rounds} dvm abci SIGKILLs at random moments and 2 inside FinalizeBlock "
           f"({' '.join(notes)}) under traffic ({len(rest) + 32} more transactions, receipts as expected), "
           f"each restarted with its CometBFT and caught up; handshake replays: {real} with the real app, "
           f"{replays} answered from the store; {msg}")


def phase_diverge(ids):
    bins = [ARGS.dvm] * 3 + [ARGS.bug_dvm]
    net = Net(4, bins, "diverge")
    try:
        net.start()
        nodes = net.nodes
        if not net.wait_height(nodes, 2, 60):
            return result("diverge", False, "no blocks")
        net.broadcast(nodes[0], read_lines("deploy.txt")[0])
        if not net.receipts(nodes[0], [ids["deploy"]], 30):
            return result("diverge", False, "deploy not included")
        # key 0's nonces before the shift: its transactions of txs.txt go first
        mine = [t for t, i in zip(read_lines("txs.txt"), ids["txs"]) if ids["sender0"].get(i)]
        for t in mine:
            net.broadcast(nodes[0], t)
        net.broadcast(nodes[0], read_lines("bug.txt")[0])
        got = net.receipts(nodes[0], [ids["bug"]], 30)
        exp = expected()
        if got.get(ids["bug"]) != exp[ids["bug"]]:
            return result("diverge", False, f"shift receipt {got} want {exp[ids['bug']]}")
        h_good = nodes[0].height()
        ok3 = net.wait_height(nodes[:3], h_good + 5, 60)
        h_bad = nodes[3].height()
        if not ok3:
            return result("diverge", False, "the three correct validators stopped")
        if h_bad >= h_good + 3:
            return result("diverge", False, f"the buggy validator went on to {h_bad}")
        # the buggy engine's state root (its dvm abci, asked directly) differs
        # from the app hash the others committed at the same height
        head3 = query_app_direct(nodes[3])
        h3 = int.from_bytes(head3[:8], "little")
        mine = head3[40:72].hex().upper()
        theirs = nodes[0].app_hash_at(h3)
        with open(os.path.join(net.dir, "comet3.log")) as f:
            refused = "wrong Block.Header.AppHash" in f.read()
        ok = mine != theirs and refused
        top = min(nd.height() for nd in nodes[:3]) - 1
        agree, msg = net.hashes_agree(nodes[:3], top)
        result("diverge", ok and agree,
               f"shl(1,32) made validator 3's state root differ at height {h3} ({mine[:16]}... vs "
               f"{theirs[:16]}...); its CometBFT {'refused the next block (wrong Block.Header.AppHash)' if refused else 'did not report the wrong app hash'} "
               f"and stayed at {h_bad}, while the other three went on: {msg}")
    finally:
        net.stop()
        net.remove()


def query_app_direct(nd):
    """/head of a validator's dvm abci through its own ABCI socket (a raw
    Request.query frame): height u64 || block hash || state root || time."""
    s = socket.create_connection(("127.0.0.1", nd.abci), 3)

    def varint(v):
        o = b""
        while v >= 0x80:
            o += bytes([(v & 0x7f) | 0x80])
            v >>= 7
        return o + bytes([v])

    path = b"/head"
    q = b"\x12" + varint(len(path)) + path          # RequestQuery.path = 2
    req = b"\x32" + varint(len(q)) + q              # Request.query = 6
    s.sendall(varint(len(req)) + req)
    buf = b""
    while True:
        c = s.recv(65536)
        if not c:
            break
        buf += c
        try:
            n, k = read_varint(buf, 0)
        except IndexError:
            continue
        if len(buf) >= k + n:
            buf = buf[k:k + n]
            break
    s.close()
    return find_field(find_field(buf, 7), 7)        # Response.query -> value


def find_field(buf, num):
    if buf is None:
        return None
    k = 0
    while k < len(buf):
        key, k = read_varint(buf, k)
        f, wt = key >> 3, key & 7
        if wt == 0:
            _, k = read_varint(buf, k)
        elif wt == 2:
            n, k = read_varint(buf, k)
            if f == num:
                return buf[k:k + n]
            k += n
        elif wt == 1:
            k += 8
        elif wt == 5:
            k += 4
        else:
            return None
    return None


def read_varint(buf, k):
    n, shift = 0, 0
    while True:
        b = buf[k]
        k += 1
        n |= (b & 0x7f) << shift
        shift += 7
        if not b & 0x80:
            return n, k


def serve():
    """scripts/abci_localnet.sh: a development network left running."""
    net = Net(ARGS.validators, [ARGS.dvm] * ARGS.validators, "localnet")
    net.start()
    with open(os.path.join(ARGS.serve, "pids"), "w") as f:
        for nd in net.nodes:
            f.write(f"{nd.comet.pid}\n{nd.app.pid}\n")
    ok = net.wait_height(net.nodes, 2, 60)
    print(f"localnet in {net.dir} ({'producing blocks' if ok else 'NOT producing blocks yet'})")
    print(f"DVM genesis, transactions and expected receipts of the test plan: {ARGS.plan}")
    for nd in net.nodes:
        print(f"  validator {nd.i}: CometBFT RPC http://127.0.0.1:{nd.rpc}  p2p {nd.p2p}  "
              f"dvm abci tcp://127.0.0.1:{nd.abci}  data {nd.data}  logs {net.dir}/comet{nd.i}.log dvm{nd.i}.log")
    return 0 if ok else 1


def phase_verify(net, ids):
    heads, notes = {}, []
    for nd in net.nodes:
        r = subprocess.run([ARGS.tool, "verify", nd.data], capture_output=True, text=True)
        if r.returncode:
            return result("verify", False, f"validator {nd.i}: {r.stderr.strip()}")
        heads[nd.i] = int(r.stdout.split()[0])
    common = min(heads.values())
    roots = set()
    for nd in net.nodes:
        r = subprocess.run([ARGS.tool, "verify", nd.data, str(common)], capture_output=True, text=True)
        roots.add(r.stdout.split()[2])
    if len(roots) != 1:
        return result("verify", False, f"state roots at height {common} differ: {roots}")
    have_replay = " replay " in subprocess.run([ARGS.dvm, "--help"], capture_output=True, text=True).stdout
    for nd in net.nodes:
        if have_replay:
            r = subprocess.run([ARGS.dvm, "replay", "--data", nd.data], capture_output=True, text=True)
            if r.returncode or "OK" not in r.stdout + r.stderr:
                return result("verify", False, f"dvm replay {nd.data}: {r.stdout} {r.stderr}")
        q = subprocess.run([ARGS.dvm, "query", "receipt", ids["deploy"], "--data", nd.data],
                           capture_output=True, text=True)
        h = subprocess.run([ARGS.dvm, "query", "head", "--data", nd.data], capture_output=True, text=True)
        if q.returncode or h.returncode or ids["deploy"] not in q.stdout:
            return result("verify", False, f"dvm query --data {nd.data}: {q.stdout} {q.stderr} {h.stderr}")
    result("verify", True, f"{len(net.nodes)} data directories audit clean and replay block by block "
           f"(heads {sorted(heads.values())}){', and dvm replay --data finds every block and the state equal' if have_replay else ''}; "
           f"same state root at height {common}; dvm query reads each")


def main():
    global ARGS
    ap = argparse.ArgumentParser()
    ap.add_argument("--dvm", required=True)
    ap.add_argument("--bug-dvm")
    ap.add_argument("--tool", required=True)
    ap.add_argument("--contract", required=True)
    ap.add_argument("--cometbft", required=True)
    ap.add_argument("--validators", type=int, default=4)
    ap.add_argument("--senders", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--faults", type=int, default=5)
    ap.add_argument("--phases", default="basic,kill,crash,verify,diverge")
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--spread", action="store_true", help="send to every validator in turn")
    ap.add_argument("--keep")
    ap.add_argument("--serve", help="configure and start a network in this folder, leave it running")
    ARGS = ap.parse_args()
    if ARGS.keep:
        os.makedirs(ARGS.keep, exist_ok=True)
    log(f"seed {ARGS.seed}")
    random.seed(ARGS.seed)
    if ARGS.serve:
        ARGS.keep = ARGS.serve
        os.makedirs(ARGS.serve, exist_ok=True)
    ARGS.plan = tempfile.mkdtemp(prefix="dvm-abci-plan-", dir=ARGS.keep or None)
    subprocess.run([ARGS.tool, "plan", ARGS.plan, ARGS.contract, str(ARGS.senders), str(ARGS.rounds)], check=True)
    exp_ids = [l.split()[0] for l in read_lines("expected.txt")]
    ids = {"deploy": exp_ids[0], "txs": exp_ids[1:-1], "bug": exp_ids[-1]}
    # transactions of key 0 in txs.txt: every SENDERS-th
    ids["split"] = len(ids["txs"]) * 3 // 5
    ids["sender0"] = {i: True for k, i in enumerate(ids["txs"]) if k % ARGS.senders == 0}
    if ARGS.serve:
        return serve()
    phases = ARGS.phases.split(",")
    t0 = time.time()
    if any(p in phases for p in ("basic", "kill", "crash")):
        net = Net(ARGS.validators, [ARGS.dvm] * ARGS.validators, "net")
        try:
            net.start()
            if "basic" in phases:
                phase_basic(net, ids)
            if "kill" in phases and ARGS.validators > 1:
                phase_kill(net)
            if "crash" in phases:
                phase_crash(net, ARGS.faults, ids)
        finally:
            net.stop()
        if "verify" in phases and "basic" in phases:
            phase_verify(net, ids)
        net.remove()
    if "diverge" in phases and ARGS.bug_dvm:
        phase_diverge(ids)
    passed = sum(1 for r in RESULTS if r)
    log(f"{time.time() - t0:.0f} s")
    print(f"{passed} passed, {len(RESULTS) - passed} failed")
    if not ARGS.keep:
        shutil.rmtree(ARGS.plan, ignore_errors=True)
    return 0 if RESULTS and passed == len(RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
