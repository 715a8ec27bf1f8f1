# acquire() paired with try/finally: release() runs even when the transfer raises.
import threading

_ledger_lock = threading.Lock()
balances = {}


def transfer(src, dst, amount):
    _ledger_lock.acquire()
    try:
        if balances.get(src, 0) < amount:
            raise ValueError("insufficient funds")
        balances[src] -= amount
        balances[dst] = balances.get(dst, 0) + amount
    finally:
        _ledger_lock.release()


def run_transfers(transfers):
    threads = [threading.Thread(target=transfer, args=t) for t in transfers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
