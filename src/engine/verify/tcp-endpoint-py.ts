/**
 * The bulk TCP endpoint for hosts reached over ssh, in Python 3 (standard library only): the
 * same JSON argument and the same one-line JSON report as `mplsgre --tcp-endpoint`
 * (src/host/tcp-endpoint.ts), run as `python3 -c SCRIPT JSON`. Nothing is copied to the host.
 */
export const PY_TCP_ENDPOINT = `
import hashlib, json, os, socket, struct, sys, threading, time
spec = json.loads(sys.argv[1])
stall = spec['stallMs'] / 1000.0
conn = spec['connectMs'] / 1000.0
ready = threading.Event()
out = {}
def fam(a):
    return socket.AF_INET6 if ':' in a else socket.AF_INET
def receive(addr, port):
    h = hashlib.sha256(); n = 0; first = 0.0; stalled = False
    try:
        srv = socket.socket(fam(addr), socket.SOCK_STREAM)
        srv.bind((addr, port)); srv.listen(1)
    except OSError as e:
        ready.set()
        return {'bytes': 0, 'sha256': h.hexdigest(), 'ms': 0, 'stalled': False, 'error': str(e)}
    ready.set()
    srv.settimeout(conn + stall)
    try:
        c, _ = srv.accept()
    except OSError:
        srv.close()
        return {'bytes': 0, 'sha256': h.hexdigest(), 'ms': 0, 'stalled': False, 'error': 'no connection within %d ms' % int((conn + stall) * 1000)}
    c.settimeout(stall)
    err = None
    while True:
        try:
            d = c.recv(262144)
        except socket.timeout:
            stalled = True
            break
        except OSError as e:
            err = str(e)
            break
        if not d:
            break
        if not first:
            first = time.monotonic()
        n += len(d); h.update(d)
    end = time.monotonic()
    if stalled:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack('ii', 1, 0))
    c.close(); srv.close()
    r = {'bytes': n, 'sha256': h.hexdigest(), 'ms': max(1, int(round((end - first) * 1000))) if first else 0, 'stalled': stalled}
    if err:
        r['error'] = err
    return r
def send(frm, to, port, total):
    h = hashlib.sha256(); sent = 0
    deadline = time.monotonic() + conn
    while True:
        s = socket.socket(fam(to), socket.SOCK_STREAM)
        s.settimeout(stall)
        try:
            s.bind((frm, 0)); s.connect((to, port))
            break
        except ConnectionRefusedError:
            s.close()
            if time.monotonic() > deadline:
                return {'sent': 0, 'sha256': h.hexdigest(), 'ms': 0, 'stalled': False, 'error': 'connection refused'}
            time.sleep(0.03)
        except OSError as e:
            s.close()
            return {'sent': 0, 'sha256': h.hexdigest(), 'ms': 0, 'stalled': isinstance(e, socket.timeout), 'error': str(e)}
    start = time.monotonic(); stalled = False; err = None
    s.settimeout(stall * 2)
    try:
        while sent < total:
            chunk = os.urandom(min(65536, total - sent))
            h.update(chunk); sent += len(chunk)
            s.sendall(chunk)
        s.shutdown(socket.SHUT_WR)
        while s.recv(65536):
            pass
    except socket.timeout:
        stalled = True
    except OSError as e:
        err = str(e)
    s.close()
    r = {'sent': sent, 'sha256': h.hexdigest(), 'ms': max(1, int(round((time.monotonic() - start) * 1000))), 'stalled': stalled}
    if err:
        r['error'] = err
    return r
def run_listen():
    l = spec['listen']; out['listen'] = receive(l['addr'], l['port'])
threads = []
if 'listen' in spec:
    t = threading.Thread(target=run_listen); t.start(); threads.append(t)
else:
    ready.set()
if 'send' in spec:
    ready.wait()
    x = spec['send']; out['send'] = send(x['from'], x['to'], x['port'], x['bytes'])
for t in threads:
    t.join()
sys.stdout.write(json.dumps(out) + '\\n')
`;
