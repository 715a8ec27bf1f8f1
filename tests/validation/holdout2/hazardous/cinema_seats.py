# validation: A cinema booking backend whose booking requests run through ThreadPoolExecutor.map; each request asks the seat map whether a seat is free and then books it.
# source: written blind from a description
import itertools
import threading
import time
from concurrent.futures import ThreadPoolExecutor


class SeatMap:
    def __init__(self, rows, seats_per_row):
        self._lock = threading.Lock()
        self._owner = {(r, s): None for r in rows for s in range(1, seats_per_row + 1)}
        self.bookings = 0

    def is_free(self, seat):
        with self._lock:
            return self._owner[seat] is None  # RACE[a]: the answer is stale as soon as the lock is released

    def book(self, seat, customer):
        with self._lock:
            self._owner[seat] = customer  # RACE[a]: overwrites a booking made by another request after its check
            self.bookings += 1

    def owner(self, seat):
        with self._lock:
            return self._owner[seat]


def handle_request(request, seat_map):
    customer, wanted = request
    for seat in wanted:
        if seat_map.is_free(seat):  # RACE[a]: availability is checked in one lock section ...
            time.sleep(0.0005)  # payment authorisation
            seat_map.book(seat, customer)  # RACE[a]: ... and the booking happens in another, so two customers get the same seat
            return customer, seat
    return customer, None


if __name__ == "__main__":
    seat_map = SeatMap(rows="ABC", seats_per_row=4)
    favourites = [("B", 2), ("B", 3), ("A", 2), ("C", 2), ("A", 3)]
    requests = [(f"cust{n:02d}", favourites[n % 3:] + favourites[:n % 3]) for n in range(16)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(handle_request, requests, itertools.repeat(seat_map)))
    confirmed = [(c, seat) for c, seat in results if seat is not None]
    holders = sum(1 for c, seat in confirmed if seat_map.owner(seat) == c)
    print("confirmations sent:", len(confirmed), "customers actually holding their seat:", holders)
