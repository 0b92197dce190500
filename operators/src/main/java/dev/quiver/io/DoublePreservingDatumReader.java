package dev.quiver.io;

import java.util.Collection;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * A {@link SpecificDatumReader} that reads arrays of double without losing precision.
 *
 * <p>Avro 1.12.0 reads {@code {"type":"array","items":"double"}} into {@code
 * PrimitivesArrays.DoubleArray}, whose {@code add(int, Double)} stores {@code value.floatValue()}:
 * every element is rounded to float, so {@code 0.3} comes back as {@code 0.30000001192092896} and
 * {@code 1e-300} as {@code 0.0} (AVRO-4108, fixed upstream by apache/avro#3285). Quiver's feature
 * vectors, margins and probabilities are such arrays, so this reader builds a plain {@link
 * GenericData.Array} for them instead. Other element types keep Avro's primitive arrays, which are
 * correct.
 *
 * <pre>{@code
 * DatumReader<Observation> reader =
 *     new DoublePreservingDatumReader<>(writerSchema, Observation.getClassSchema(), model);
 * }</pre>
 *
 * @param <T> the record class read
 */
final class DoublePreservingDatumReader<T> extends SpecificDatumReader<T> {
  DoublePreservingDatumReader(Schema writer, Schema reader, SpecificData model) {
    super(writer, reader, model);
  }

  @Override
  protected Object newArray(Object old, int size, Schema schema) {
    if (old == null && isDoubleArray(schema)) {
      return new GenericData.Array<Object>(size, schema);
    }
    return super.newArray(old, size, schema);
  }

  static boolean isDoubleArray(Schema schema) {
    return schema.getType() == Schema.Type.ARRAY
        && schema.getElementType().getType() == Schema.Type.DOUBLE;
  }

  /**
   * {@code value} as an array that keeps doubles, if {@code schema} is an array of double: Avro's
   * field defaults ({@code "default": []}) are built by its own readers and would round elements
   * added to them later.
   */
  static Object preserveDoubles(Object value, Schema schema) {
    if (value instanceof Collection && isDoubleArray(schema)) {
      Collection<?> items = (Collection<?>) value;
      GenericData.Array<Object> array = new GenericData.Array<>(items.size(), schema);
      array.addAll(items);
      return array;
    }
    return value;
  }
}
