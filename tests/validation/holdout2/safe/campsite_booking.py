# validation: A campsite booking backend whose reservation requests run through ThreadPoolExecutor.map; each request asks the pitch map for a free pitch and reserves it.
# source: written blind from a description
# safe: the availability test and the reservation happen in one critical section of the pitch map, so a pitch can be confirmed to only one camper
import itertools
import threading
import time
from concurrent.futures import ThreadPoolExecutor


class PitchMap:
    def __init__(self, areas, pitches_per_area):
        self._lock = threading.Lock()
        self._owner = {(a, p): None for a in areas for p in range(1, pitches_per_area + 1)}
        self.bookings = 0

    def try_reserve(self, pitch, camper):
        with self._lock:
            if self._owner[pitch] is not None:
                return False
            self._owner[pitch] = camper
            self.bookings += 1
            return True

    def cancel(self, pitch, camper):
        with self._lock:
            if self._owner[pitch] == camper:
                self._owner[pitch] = None
                self.bookings -= 1

    def owner(self, pitch):
        with self._lock:
            return self._owner[pitch]


def handle_request(request, pitch_map):
    camper, wanted = request
    for pitch in wanted:
        if pitch_map.try_reserve(pitch, camper):
            time.sleep(0.0005)  # deposit authorisation
            return camper, pitch
    return camper, None


if __name__ == "__main__":
    pitch_map = PitchMap(areas="LMN", pitches_per_area=4)
    favourites = [("M", 2), ("M", 3), ("L", 2), ("N", 2), ("L", 3)]
    requests = [(f"camper{n:02d}", favourites[n % 3:] + favourites[:n % 3]) for n in range(16)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(handle_request, requests, itertools.repeat(pitch_map)))
    confirmed = [(c, pitch) for c, pitch in results if pitch is not None]
    holders = sum(1 for c, pitch in confirmed if pitch_map.owner(pitch) == c)
    print("confirmations sent:", len(confirmed), "campers actually holding their pitch:", holders)
