package dev.casey.command.supportcase;

/** An aggregate that can say, roughly, how much heap it holds while kept in the case cache. */
interface CachedFootprint {

    /** Bytes of heap, estimated. */
    long estimatedBytes();
}
