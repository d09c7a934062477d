"""The store against moto: races, faults, request counts."""
