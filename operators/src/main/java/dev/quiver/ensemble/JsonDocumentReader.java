package dev.quiver.ensemble;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JSON model document into the shapes of {@link ModelDocument} with Jackson's streaming
 * parser, so that arrays of numbers become primitive arrays as they are read and every {@link
 * LoadLimits} bound is enforced before the memory it guards is spent (a tree model of Jackson nodes
 * would cost tens of bytes per number first and be checked after).
 *
 * <p>Numbers keep their decimal text's exact value: XGBoost writes float32 values in their shortest
 * decimal form, and parsing that text straight to float gives back the trainer's bits. {@code NaN}
 * and {@code Infinity} tokens are accepted, as XGBoost's writer can produce them.
 */
final class JsonDocumentReader {

    private final LoadLimits limits;
    private final JsonFactory factory;
    private long numbersLeft;

    JsonDocumentReader(LoadLimits limits) {
        this.limits = limits;
        this.factory =
                JsonFactory.builder()
                        .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                        .streamReadConstraints(
                                StreamReadConstraints.builder()
                                        .maxNestingDepth(limits.maxNesting())
                                        .maxDocumentLength(limits.maxBytes())
                                        .build())
                        .build();
        this.numbersLeft = numberBudget(limits);
    }

    /** How many numbers one document may hold: every node array of every tree, and some spare. */
    static long numberBudget(LoadLimits limits) {
        return 16L * limits.maxNodes() + limits.maxFeatures() + 4L * limits.maxTrees();
    }

    Object read(byte[] bytes) {
        limits.checkSize(bytes.length, "the JSON document");
        try (JsonParser parser = factory.createParser(bytes)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new ModelFormatException("the JSON document is empty");
            }
            Object value = readValue(parser, first, "$");
            if (parser.nextToken() != null) {
                throw new ModelFormatException(
                        "the JSON document goes on after its value, at byte "
                                + parser.currentTokenLocation().getByteOffset());
            }
            return value;
        } catch (StreamConstraintsException e) {
            throw new ModelFormatException("the JSON document exceeds a limit: " + e.getMessage());
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(
                    "the JSON document is malformed or truncated: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelFormatException(
                    "the JSON document cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * The names of the top-level fields of a JSON object document, each with its value's text
     * where that is a string, null otherwise. The values are skipped, not read, so a large model or
     * an embedded file costs one scan and no memory. Empty when the document is not an object or
     * does not scan to its end within these limits.
     */
    Map<String, String> topLevelFields(byte[] bytes) {
        Map<String, String> fields = new LinkedHashMap<>();
        try (JsonParser parser = factory.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Map.of();
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                fields.put(name, value == JsonToken.VALUE_STRING ? parser.getText() : null);
                parser.skipChildren();
            }
            return parser.currentToken() == JsonToken.END_OBJECT ? fields : Map.of();
        } catch (IOException e) {
            return Map.of();
        }
    }

    private Object readValue(JsonParser parser, JsonToken token, String path) throws IOException {
        switch (token) {
            case START_OBJECT:
                return readObject(parser, path);
            case START_ARRAY:
                return readArray(parser, path);
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return scalar(parser.getText());
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return ModelDocument.NULL;
            default:
                throw new ModelFormatException("unexpected " + token + " at " + path);
        }
    }

    private Map<String, Object> readObject(JsonParser parser, String path) throws IOException {
        Map<String, Object> object = new LinkedHashMap<>();
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            String child = path + "." + key;
            Object value = readValue(parser, next(parser, child), child);
            if (object.put(key, value) != null) {
                throw new ModelFormatException("duplicate field " + child);
            }
        }
        if (token != JsonToken.END_OBJECT) {
            throw new ModelFormatException("unexpected " + token + " in object " + path);
        }
        return object;
    }

    /**
     * Numbers are gathered into primitive arrays; should a non-number follow, the array becomes a
     * plain list, since only all-number arrays are node data.
     */
    private Object readArray(JsonParser parser, String path) throws IOException {
        double[] doubles = new double[16];
        float[] floats = new float[16];
        List<Object> list = null;
        int size = 0;
        long maxLength = (long) limits.maxNodes() + limits.maxFeatures();
        JsonToken token;
        while ((token = next(parser, path)) != JsonToken.END_ARRAY) {
            if (size == maxLength) {
                throw new ModelFormatException(
                        path + " has more than " + maxLength + " elements, beyond the limit");
            }
            boolean number =
                    token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT;
            if (list == null && number) {
                if (--numbersLeft < 0) {
                    throw new ModelFormatException(
                            "the document holds more than "
                                    + numberBudget(limits)
                                    + " numbers, beyond the limit");
                }
                if (size == doubles.length) {
                    int capacity = (int) Math.min(maxLength, 2L * size);
                    doubles = Arrays.copyOf(doubles, capacity);
                    floats = Arrays.copyOf(floats, capacity);
                }
                String text = parser.getText();
                doubles[size] = Double.parseDouble(text);
                floats[size] = Float.parseFloat(text);
            } else {
                if (list == null) {
                    list = new ArrayList<>(size + 1);
                    for (int i = 0; i < size; i++) {
                        list.add(scalar(Double.toString(doubles[i])));
                    }
                }
                list.add(readValue(parser, token, path + "[" + size + "]"));
            }
            size++;
        }
        if (list != null) {
            return list;
        }
        if (size == 0) {
            return List.of();
        }
        return new NumericArray(size, Arrays.copyOf(doubles, size), Arrays.copyOf(floats, size));
    }

    private static JsonToken next(JsonParser parser, String path) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            throw new ModelFormatException("the JSON document is truncated inside " + path);
        }
        return token;
    }

    private static Object scalar(String text) {
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            return Double.parseDouble(text);
        }
    }
}
